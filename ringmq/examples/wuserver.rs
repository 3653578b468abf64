//! Weather update server (zguide's wuserver): publishes "zipcode temperature
//! humidity" forever on tcp://*:5556, for zipcodes 10000–10009.

use ringmq as zmq;

fn main() {
    let ctx = zmq::Context::new();
    let publisher = ctx.socket(zmq::PUB).unwrap();
    publisher.bind("tcp://*:5556").expect("bind tcp://*:5556");
    let mut seed: u32 = 12345;
    let mut next = move |n: u32| {
        // A small LCG: this example needs variety, not quality.
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (seed >> 8) % n
    };
    loop {
        // Ten zipcodes (zguide draws from 100,000): a client's 100 updates
        // arrive in well under a second.
        let zipcode = 10_000 + next(10);
        let temperature = next(215) as i32 - 80;
        let humidity = next(50) + 10;
        publisher
            .send(format!("{zipcode:05} {temperature} {humidity}").as_str(), 0)
            .unwrap();
    }
}
