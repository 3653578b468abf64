//! A market-data feed and an order gateway, in memory.
//!
//! An XPUB publishes quotes for a few instruments to subscribers with
//! different topics; one subscriber stalls, its queue hits the high-water
//! mark and its copies are dropped. REQ clients send orders through a ROUTER/DEALER
//! gateway to REP matching engines. Everything runs on `ringmq_core::sim`:
//! real ZMTP between the sockets, no I/O, deterministic.
//!
//! `cargo run -p ringmq-core --example market_data -- --ticks 2000`

use ringmq_core::options::Options;
use ringmq_core::sim::{msg, strs, Net};
use ringmq_core::SocketType::*;

const INSTRUMENTS: [&str; 4] = ["EURUSD", "USDJPY", "GBPUSD", "EURJPY"];

fn main() {
    let ticks: usize = std::env::args()
        .skip_while(|a| a != "--ticks")
        .nth(1)
        .map(|v| v.parse().expect("--ticks takes a number"))
        .unwrap_or(2000);

    let mut net = Net::new();

    // --- market data -------------------------------------------------------
    let publisher = net.socket_hwm(XPub, 200, 1000);
    let subscribers = [("EUR*", "EUR"), ("USDJPY", "USDJPY"), ("all", "")];
    let subs: Vec<_> = subscribers
        .iter()
        .map(|(_, topic)| {
            let s = net.socket(Sub);
            net.s(s).subscribe(topic.as_bytes()).unwrap();
            net.connect(s, publisher);
            s
        })
        .collect();
    let slow = net.socket_with(
        Sub,
        Options {
            rcvhwm: 100,
            ..Options::default()
        },
    );
    net.s(slow).subscribe(b"").unwrap();
    let slow_link = net.connect(slow, publisher);
    // The slow subscriber's process stalls: nothing moves on its connection,
    // so the publisher's queue for it fills to SNDHWM and then drops.
    net.freeze(slow_link);

    println!("subscriptions seen by the publisher:");
    while let Ok(m) = net.s(publisher).recv() {
        let f = m.first().unwrap();
        let kind = if f[0] == 1 { "subscribe" } else { "cancel" };
        println!("  {kind} {:?}", String::from_utf8_lossy(&f[1..]));
    }

    // --- order gateway -----------------------------------------------------
    let frontend = net.socket(Router);
    let backend = net.socket(Dealer);
    let engines: Vec<_> = (0..2).map(|_| net.socket(Rep)).collect();
    for e in &engines {
        net.connect(backend, *e);
    }
    let clients: Vec<_> = (0..3)
        .map(|i| {
            let c = net.socket_id(Req, &format!("trader-{i}"));
            net.connect(c, frontend);
            c
        })
        .collect();

    let mut received = vec![0usize; subs.len()];
    let mut fills = 0usize;
    for t in 0..ticks {
        let inst = INSTRUMENTS[t % INSTRUMENTS.len()];
        let price = 1.0 + (t % 97) as f64 / 1000.0;
        net.s(publisher)
            .send(msg(&[inst, &format!("{price:.4}")]))
            .expect("XPUB never blocks");
        net.pump();
        for (k, s) in subs.iter().enumerate() {
            received[k] += net.recv_all(*s).len();
        }

        // Every 10 ticks each trader sends an order; the gateway forwards
        // requests to the engines and replies back to the traders.
        if t % 10 == 0 {
            for (i, c) in clients.iter().enumerate() {
                net.send(*c, &[&format!("BUY {inst} 100 @ {price:.4} #{i}")]);
            }
        }
        while let Ok(m) = net.s(frontend).recv() {
            net.s(backend).send(m).expect("engines are connected");
            net.pump();
        }
        for e in &engines {
            while let Ok(order) = net.recv(*e) {
                let fill = format!("FILLED {}", &order[0][4..]);
                net.send(*e, &[&fill]);
            }
        }
        while let Ok(m) = net.s(backend).recv() {
            net.s(frontend).send(m).expect("ROUTER never blocks");
            net.pump();
        }
        for c in &clients {
            if let Ok(reply) = net.recv(*c) {
                fills += 1;
                if fills <= 3 {
                    println!("{}", reply[0]);
                }
            }
        }
    }

    println!("\nafter {ticks} ticks:");
    for (k, (name, _)) in subscribers.iter().enumerate() {
        println!("  subscriber {name:<7} received {:>6}", received[k]);
    }
    net.thaw(slow_link);
    let slow_got = net.recv_all(slow).len();
    println!("  slow subscriber  received {slow_got:>6} (stalled until the end)");
    let stats = net.s(publisher).stats();
    println!(
        "  publisher: {} sent, {} copies dropped at a subscriber's HWM",
        stats.msgs_sent, stats.drops_hwm
    );
    for p in net.s(publisher).pipes() {
        let s = p.stats();
        println!(
            "    pipe to {}: {} queued, {} dropped",
            p.peer().socket_type,
            s.msgs_out,
            s.drops_hwm
        );
    }
    println!("  orders filled: {fills}");
    let last = net.s(publisher).recv().ok().map(|m| strs(&m));
    assert!(last.is_none(), "no new subscriptions during the run");
}
