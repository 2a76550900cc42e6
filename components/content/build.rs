// Rebuild when the bundled theme changes, since it is embedded in the binary.
fn main() {
    println!("cargo:rerun-if-changed=../../themes/truong");
}
