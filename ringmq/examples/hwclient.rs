//! Hello World client (zguide's hwclient): ten requests to `hwserver`.

use ringmq as zmq;

fn main() {
    let ctx = zmq::Context::new();
    let requester = ctx.socket(zmq::REQ).unwrap();
    requester.connect("tcp://localhost:5555").unwrap();
    for n in 0..10 {
        println!("Sending Hello {n}...");
        requester.send("Hello", 0).unwrap();
        let reply = requester.recv_string(0).unwrap().unwrap();
        println!("Received {reply} {n}");
    }
}
