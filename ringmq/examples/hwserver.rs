//! Hello World server (zguide's hwserver): a REP socket answering "World".
//! Run with `cargo run -p ringmq --example hwserver`, then `hwclient`.

use ringmq as zmq;

fn main() {
    let ctx = zmq::Context::new();
    let responder = ctx.socket(zmq::REP).unwrap();
    responder.bind("tcp://*:5555").expect("bind tcp://*:5555");
    loop {
        let request = responder.recv_string(0).unwrap().unwrap();
        println!("Received {request}");
        responder.send("World", 0).unwrap();
    }
}
