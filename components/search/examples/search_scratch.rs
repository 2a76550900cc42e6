fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut docs = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            for f in std::fs::read_dir(&p).unwrap() {
                let body = std::fs::read_to_string(f.unwrap().path()).unwrap();
                docs.push(search::Doc {
                    url: "/x/y/".into(),
                    title: body.lines().nth(1).unwrap_or("").into(),
                    date: None,
                    section: "S".into(),
                    body,
                });
            }
        }
    }
    let t = std::time::Instant::now();
    for _ in 0..5 {
        std::hint::black_box(search::build("vi", &docs, &search::Options::default()));
    }
    println!("{:?}", t.elapsed() / 5);
}
