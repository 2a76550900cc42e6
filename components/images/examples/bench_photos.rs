//! Benchmark: 100 phone-size JPEGs (4032x3024, photographic noise, 3-6 MB each), processed in
//! parallel with rayon, first with an empty cache (cold) and then again (warm).
//!
//! Run: `cargo run --release -p images --example bench_photos [count]`

use images::{Processor, Settings};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A synthetic phone photo: smooth scene-like gradients plus sensor-like noise, which is what
/// makes real phone JPEGs 3-6 MB (flat test images compress to almost nothing).
fn phone_photo(seed: u32) -> image::RgbImage {
    let (w, h) = (4032u32, 3024u32);
    let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(12345);
    let phase = seed as f32 * 0.37;
    // Noise amplitude varies between photos, like ISO between a sunny yard and a classroom.
    let amp = 8 + seed % 9;
    image::RgbImage::from_fn(w, h, |x, y| {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        let n = (s % (2 * amp + 1)) as i32 - amp as i32;
        let fx = x as f32 / w as f32;
        let fy = y as f32 / h as f32;
        let r = (120.0 + 100.0 * (fx * 6.0 + fy * 3.0 + phase).sin()) as i32 + n;
        let g = (110.0 + 90.0 * (fy * 8.0 + phase).cos() * fx) as i32 + n;
        let b = (140.0 + 80.0 * ((fx - fy) * 10.0 + phase).sin()) as i32 + n;
        image::Rgb([
            r.clamp(0, 255) as u8,
            g.clamp(0, 255) as u8,
            b.clamp(0, 255) as u8,
        ])
    })
}

/// Adds an EXIF block with orientation 6 (a portrait shot), like most phone photos carry.
fn with_orientation(jpeg: Vec<u8>) -> Vec<u8> {
    let mut tiff = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((tiff.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn generate(dir: &Path, count: u32) -> Vec<PathBuf> {
    (0..count)
        .into_par_iter()
        .map(|i| {
            let mut jpg = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 92)
                .encode_image(&phone_photo(i))
                .expect("encode");
            if i % 4 == 0 {
                jpg = with_orientation(jpg);
            }
            let p = dir.join(format!("IMG_{:04}.jpg", 1000 + i));
            std::fs::write(&p, jpg).expect("write photo");
            p
        })
        .collect()
}

fn run(cache: &Path, photos: &[PathBuf]) -> (Duration, Processor, u64) {
    let p = Processor::new(cache.to_path_buf(), Settings::default());
    let t = Instant::now();
    let out: Vec<_> = photos
        .par_iter()
        .map(|src| p.process(src).expect("process"))
        .collect();
    let elapsed = t.elapsed();
    let bytes = out
        .iter()
        .flat_map(|o| &o.variants)
        .map(|v| {
            std::fs::metadata(&v.cache_path)
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum();
    (elapsed, p, bytes)
}

/// CPU seconds (user + system) this process has used so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1;
            let f: Vec<&str> = after.split_whitespace().collect();
            let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

fn mb(b: u64) -> f64 {
    b as f64 / 1_000_000.0
}

fn main() {
    let count: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let tmp = tempfile::tempdir().expect("tempdir");
    let photos_dir = tmp.path().join("photos");
    std::fs::create_dir_all(&photos_dir).unwrap();
    let cache = tmp.path().join("cache");

    let t = Instant::now();
    let photos = generate(&photos_dir, count);
    let input: u64 = photos
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let sizes: Vec<u64> = photos
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .collect();
    println!(
        "generated {count} photos 4032x3024 in {:.1?}: {:.1} MB total, {:.2}-{:.2} MB each",
        t.elapsed(),
        mb(input),
        mb(*sizes.iter().min().unwrap_or(&0)),
        mb(*sizes.iter().max().unwrap_or(&0)),
    );
    println!(
        "rayon threads: {}, load average before: {}",
        rayon::current_num_threads(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );

    // One photo alone, one thread: the latency a teacher sees in `serve` after adding a photo.
    let single_cache = tmp.path().join("single");
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    Processor::new(single_cache, Settings::default())
        .process(&photos[0])
        .expect("process");
    println!(
        "single photo alone (decode, orient, 4 widths x JPEG+WebP, encodes in parallel): {:.2?} wall, {:.2} CPU-s",
        t.elapsed(),
        cpu_seconds() - cpu0
    );

    let cpu0 = cpu_seconds();
    let (cold, p, out_bytes) = run(&cache, &photos);
    let cold_cpu = cpu_seconds() - cpu0;
    println!(
        "cold: {count} photos in {:.2?} ({:.2} s/photo wall, {:.2} CPU-s/photo, {:.2} photos/s); processed {}, reused {}; output {:.1} MB ({:.1}% of input)",
        cold,
        cold.as_secs_f64() / f64::from(count),
        cold_cpu / f64::from(count),
        f64::from(count) / cold.as_secs_f64(),
        p.stats().processed,
        p.stats().reused,
        mb(out_bytes),
        100.0 * out_bytes as f64 / input as f64
    );
    let (warm, p, _) = run(&cache, &photos);
    println!(
        "warm: {count} photos in {:.2?} ({:.2} ms/photo); processed {}, reused {}",
        warm,
        warm.as_secs_f64() * 1000.0 / f64::from(count),
        p.stats().processed,
        p.stats().reused
    );
    println!(
        "load average after: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}
