// The same measurements as tests/src/bin/bench_net.rs, on Rust's std::net: the peer to compare
// sysrt's loopback numbers with. Built with plain `rustc -O`, not part of the workspace; run
// by hand with the same arguments (`pingpong [N]`, `bulk [MIB]`, `epoll [CONNS] [ROUNDS]`).
//
// std has no fork and no epoll: the server is this program re-executed (`serve-MODE PORT`,
// told the port of a listener it binds itself and reports on stdout), and the echo server is
// std's thread-per-connection shape.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

fn arg(i: usize, default: u64) -> u64 {
    std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(default)
}

/// Starts `self serve-MODE` and reads the port it listens on.
fn server(mode: &str) -> (Child, u16) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg(format!("serve-{mode}"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    (child, line.trim().parse().unwrap())
}

fn listen() -> TcpListener {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("{}", l.local_addr().unwrap().port());
    l
}

fn serve(mode: &str) {
    let l = listen();
    match mode {
        "serve-pingpong" => {
            let (mut c, _) = l.accept().unwrap();
            c.set_nodelay(true).unwrap();
            let mut b = [0u8; 1];
            while c.read(&mut b).unwrap() == 1 {
                c.write_all(&b).unwrap();
            }
        }
        "serve-bulk" => {
            let (mut c, _) = l.accept().unwrap();
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0u64;
            loop {
                match c.read(&mut buf).unwrap() {
                    0 => break,
                    k => total += k as u64,
                }
            }
            c.write_all(&total.to_ne_bytes()).unwrap();
        }
        _ => {
            // Thread per connection: the std::net way without an event loop.
            for c in l.incoming() {
                let mut c = c.unwrap();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(k) = c.read(&mut buf) {
                        if k == 0 || c.write_all(&buf[..k]).is_err() {
                            break;
                        }
                    }
                });
            }
        }
    }
}

fn vm_hwm(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    if mode.starts_with("serve-") {
        return serve(&mode);
    }
    match mode.as_str() {
        "pingpong" => {
            let n = arg(2, 100_000) as usize;
            let (mut child, port) = server("pingpong");
            let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
            c.set_nodelay(true).unwrap();
            let mut lat = Vec::with_capacity(n);
            let mut b = [7u8; 1];
            for _ in 0..n {
                let t0 = Instant::now();
                c.write_all(&b).unwrap();
                c.read_exact(&mut b).unwrap();
                lat.push(t0.elapsed().as_nanos() as u64);
            }
            drop(c);
            child.wait().unwrap();
            lat.sort_unstable();
            println!(
                "std pingpong {n} round trips: median {} ns, p99 {} ns",
                lat[n / 2],
                lat[(n * 99 / 100).min(n - 1)]
            );
        }
        "bulk" => {
            let mib = arg(2, 1024);
            let (mut child, port) = server("bulk");
            let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let buf = vec![0x5au8; 64 * 1024];
            let t0 = Instant::now();
            for _ in 0..mib * 16 {
                c.write_all(&buf).unwrap();
            }
            c.shutdown(Shutdown::Write).unwrap();
            let mut got = [0u8; 8];
            c.read_exact(&mut got).unwrap();
            let s = t0.elapsed().as_secs_f64();
            child.wait().unwrap();
            let bytes = u64::from_ne_bytes(got);
            println!(
                "std bulk {} MiB in {} ms: {} MiB/s",
                bytes >> 20,
                (s * 1000.0) as u64,
                bytes as f64 / 1048576.0 / s
            );
        }
        "epoll" => {
            let conns = arg(2, 1000) as usize;
            let rounds = arg(3, 10);
            let (mut child, port) = server("epoll");
            let mut cs: Vec<TcpStream> = (0..conns)
                .map(|_| {
                    let c = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    c.set_nodelay(true).unwrap();
                    c
                })
                .collect();
            let mut b = [1u8; 1];
            let last = cs.last_mut().unwrap();
            last.write_all(&b).unwrap();
            last.read_exact(&mut b).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(100));
            let hwm = vm_hwm(child.id());
            let t0 = Instant::now();
            for _ in 0..rounds {
                for c in &mut cs {
                    c.write_all(&b).unwrap();
                }
                for c in &mut cs {
                    c.read_exact(&mut b).unwrap();
                }
            }
            let ns = t0.elapsed().as_nanos() as u64;
            child.kill().unwrap();
            child.wait().unwrap();
            println!(
                "std echo (thread per connection): {conns} connections, server VmHWM {hwm} kB idle; {rounds} rounds of 1 byte each in {} ms ({} ns per echo)",
                ns / 1_000_000,
                ns / (rounds * conns as u64)
            );
        }
        _ => println!("usage: net_std pingpong [N] | bulk [MIB] | epoll [CONNS] [ROUNDS]"),
    }
}
