//! `BANGTIN_TIMINGS=1`: how long each step of a build took, printed for benchmarks. The
//! variable is read once per process.

use std::sync::LazyLock;
use std::time::Instant;

/// Whether `BANGTIN_TIMINGS` is set.
static ENABLED: LazyLock<bool> = LazyLock::new(|| std::env::var_os("BANGTIN_TIMINGS").is_some());

/// Whether the steps' times are printed.
pub(crate) fn enabled() -> bool {
    *ENABLED
}

/// Milliseconds since `t`.
pub(crate) fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Prints how long each step took since the previous one, when [`enabled`].
pub(crate) struct Timings(Option<Instant>);

impl Timings {
    /// Starts the clock (a no-op without `BANGTIN_TIMINGS`).
    pub(crate) fn start() -> Self {
        Timings(enabled().then(Instant::now))
    }

    /// Prints the time since the last mark, with the memory and CPU time so far.
    pub(crate) fn mark(&mut self, step: &str) {
        if let Some(t) = self.0 {
            let figures = process_figures();
            eprintln!("  {step:<28} {:>8.1} ms{figures}", ms(t));
            self.0 = Some(Instant::now());
        }
    }
}

/// Resident memory and CPU time so far (user + system, in ticks of 10 ms) of this process,
/// from /proc (Linux; empty elsewhere): which step holds the peak, and what each costs.
fn process_figures() -> String {
    let read = |file: &str| std::fs::read_to_string(format!("/proc/self/{file}")).ok();
    let rss = read("status").and_then(|s| {
        let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(format!("  RSS {:>4} MB", kb / 1024))
    });
    let cpu = read("stat").and_then(|s| {
        let fields: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(format!("  CPU {:>5} ms", ticks * 10))
    });
    format!("{}{}", rss.unwrap_or_default(), cpu.unwrap_or_default())
}
