//! Weather update client (zguide's wuclient): averages 100 updates for one
//! zipcode (default 10001, or the first argument) from `wuserver`.

use ringmq as zmq;

fn main() {
    let filter = std::env::args().nth(1).unwrap_or_else(|| "10001".into());
    let ctx = zmq::Context::new();
    let subscriber = ctx.socket(zmq::SUB).unwrap();
    subscriber.connect("tcp://localhost:5556").unwrap();
    subscriber.set_subscribe(filter.as_bytes()).unwrap();
    let mut total = 0i64;
    for _ in 0..100 {
        let update = subscriber.recv_string(0).unwrap().unwrap();
        let temperature: i64 = update.split(' ').nth(1).unwrap().parse().unwrap();
        total += temperature;
    }
    println!(
        "Average temperature for zipcode '{filter}' was {}F",
        total / 100
    );
}
