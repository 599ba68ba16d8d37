//! Password hashing and tokens on the runtime's WebCrypto.
//!
//! Passwords: PBKDF2-HMAC-SHA256, 100,000 iterations (the most the Workers runtime accepts),
//! 16-byte random salt per account, 32-byte output, compared in constant time. The iteration
//! count is stored per account so it can be raised later without invalidating old hashes.
//! Session tokens: 32 random bytes (hex); only their SHA-256 is stored.

use crate::error::{AppError, AppResult};
use js_sys::{Array, ArrayBuffer, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub const PBKDF2_ITERATIONS: u32 = 100_000;

fn web_crypto() -> AppResult<web_sys::Crypto> {
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    global
        .crypto()
        .map_err(|e| AppError::Internal(format!("no crypto: {e:?}")))
}

/// `count` cryptographically random bytes.
pub fn random_bytes(count: usize) -> AppResult<Vec<u8>> {
    let mut bytes = vec![0u8; count];
    web_crypto()?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| AppError::Internal(format!("getRandomValues: {e:?}")))?;
    Ok(bytes)
}

/// A random identifier with a prefix, e.g. `acc-3f9a…` (16 random bytes).
pub fn random_id(prefix: &str) -> AppResult<String> {
    Ok(format!("{prefix}-{}", hex::encode(random_bytes(16)?)))
}

/// SHA-256 of `text` as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// PBKDF2-HMAC-SHA256 of `password` with `salt`, 32 bytes, through SubtleCrypto.
pub async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> AppResult<Vec<u8>> {
    let fail = |what: &str, e: wasm_bindgen::JsValue| AppError::Internal(format!("{what}: {e:?}"));
    let subtle = web_crypto()?.subtle();
    let password_bytes = Uint8Array::from(password.as_bytes());
    let usages = Array::of1(&"deriveBits".into());
    let key = JsFuture::from(
        subtle
            .import_key_with_str("raw", &password_bytes, "PBKDF2", false, &usages)
            .map_err(|e| fail("importKey", e))?,
    )
    .await
    .map_err(|e| fail("importKey", e))?;
    let params = web_sys::Pbkdf2Params::new_with_str(
        "PBKDF2",
        "SHA-256",
        iterations,
        &Uint8Array::from(salt),
    );
    let bits = JsFuture::from(
        subtle
            .derive_bits_with_object(&params, &key.unchecked_into(), 256)
            .map_err(|e| fail("deriveBits", e))?,
    )
    .await
    .map_err(|e| fail("deriveBits", e))?;
    let buffer: ArrayBuffer = bits.unchecked_into();
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A stored password: (hash hex, salt hex, iterations).
pub async fn hash_password(password: &str) -> AppResult<(String, String, u32)> {
    let salt = random_bytes(16)?;
    let hash = pbkdf2(password, &salt, PBKDF2_ITERATIONS).await?;
    Ok((hex::encode(hash), hex::encode(salt), PBKDF2_ITERATIONS))
}

/// Checks a password against a stored hash in constant time.
pub async fn verify_password(
    password: &str,
    hash_hex: &str,
    salt_hex: &str,
    iterations: u32,
) -> AppResult<bool> {
    let salt = hex::decode(salt_hex).map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    let expected = hex::decode(hash_hex).map_err(|e| AppError::Internal(format!("hash: {e}")))?;
    let actual = pbkdf2(password, &salt, iterations).await?;
    Ok(constant_time_eq(&expected, &actual))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Compares two hex digests in constant time.
pub fn constant_time_eq_hex(a: &str, b: &str) -> bool {
    constant_time_eq(a.as_bytes(), b.as_bytes())
}
