//! Inputs shared by the benches.

/// An STS-shaped session token of about 800 characters (base64 with `/ + =`).
pub fn session_token() -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::from("IQoJb3JpZ2luX2VjE");
    let mut x: u32 = 12345;
    while s.len() < 798 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        s.push(char::from(alphabet[(x >> 16) as usize % 64]));
    }
    s.push_str("==");
    s
}
