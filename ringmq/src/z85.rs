//! Z85 (ZeroMQ RFC 32), and the CURVE key pair type.

use crate::error::{Error, Result};
use std::fmt;
use std::string::FromUtf8Error;

const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Errors of [`z85_encode`].
#[derive(Debug)]
pub enum EncodeError {
    /// The input length is not a multiple of 4.
    BadLength,
    /// Not produced by ringmq (the output is always ASCII); kept for the
    /// `zmq` crate's signature.
    FromUtf8Error(FromUtf8Error),
}

impl From<FromUtf8Error> for EncodeError {
    fn from(err: FromUtf8Error) -> Self {
        EncodeError::FromUtf8Error(err)
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BadLength => write!(f, "Invalid data length. Should be multiple of 4."),
            EncodeError::FromUtf8Error(e) => write!(f, "UTF8 conversion error: {e}"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Errors of [`z85_decode`].
#[derive(Debug)]
pub enum DecodeError {
    /// The input length is not a multiple of 5.
    BadLength,
    /// The input contains a NUL byte.
    NulError(std::ffi::NulError),
}

impl From<std::ffi::NulError> for DecodeError {
    fn from(err: std::ffi::NulError) -> Self {
        DecodeError::NulError(err)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::BadLength => write!(f, "Invalid data length. Should be multiple of 5."),
            DecodeError::NulError(e) => write!(f, "Nul byte error: {e}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encodes binary data (a multiple of 4 bytes) as Z85 text.
///
/// ```
/// let text = ringmq::z85_encode(&[0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]).unwrap();
/// assert_eq!(text, "HelloWorld");
/// ```
///
/// # Errors
/// `BadLength` if the length is not a multiple of 4.
pub fn z85_encode(data: &[u8]) -> std::result::Result<String, EncodeError> {
    if data.len() % 4 != 0 {
        return Err(EncodeError::BadLength);
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 5);
    for chunk in data.chunks_exact(4) {
        let mut v = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = ALPHABET[(v % 85) as usize];
            v /= 85;
        }
        out.extend_from_slice(&digits);
    }
    Ok(String::from_utf8(out)?)
}

/// Decodes Z85 text (a multiple of 5 characters). Characters outside the
/// alphabet decode as if they were `0`, in the spirit of libzmq's lenient
/// decoder.
///
/// # Errors
/// `BadLength` if the length is not a multiple of 5; `NulError` for a NUL
/// byte.
pub fn z85_decode(data: &str) -> std::result::Result<Vec<u8>, DecodeError> {
    if data.len() % 5 != 0 {
        return Err(DecodeError::BadLength);
    }
    std::ffi::CString::new(data)?;
    let mut out = Vec::with_capacity(data.len() / 5 * 4);
    for chunk in data.as_bytes().chunks_exact(5) {
        let mut v: u32 = 0;
        for &c in chunk {
            let digit = ALPHABET.iter().position(|&a| a == c).unwrap_or(0);
            v = v.wrapping_mul(85).wrapping_add(digit as u32);
        }
        out.extend_from_slice(&v.to_be_bytes());
    }
    Ok(out)
}

/// A CURVE key pair. ringmq has no CURVE yet, so [`new`](Self::new)
/// fails.
#[derive(Debug)]
pub struct CurveKeyPair {
    /// The public key.
    pub public_key: [u8; 32],
    /// The secret key.
    pub secret_key: [u8; 32],
}

impl CurveKeyPair {
    /// Generates a key pair.
    ///
    /// # Errors
    /// Always `ENOTSUP` (what libzmq built without CURVE answers).
    pub fn new() -> Result<CurveKeyPair> {
        Err(Error::ENOTSUP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z85_round_trip() {
        let data: Vec<u8> = (0..32).map(|i| (i * 37 + 11) as u8).collect();
        let text = z85_encode(&data).unwrap();
        assert_eq!(text.len(), 40);
        assert_eq!(z85_decode(&text).unwrap(), data);
        assert!(matches!(
            z85_encode(&[1, 2, 3]),
            Err(EncodeError::BadLength)
        ));
        assert!(matches!(z85_decode("abcd"), Err(DecodeError::BadLength)));
    }
}
