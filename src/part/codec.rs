//! Little-endian binary values, written and read back bit for bit (floats
//! as their bits: a round trip through text could move the last digit).

/// Appends values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn len(&mut self, v: usize) {
        self.u64(v as u64);
    }

    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    pub fn opt_f64(&mut self, v: Option<f64>) {
        match v {
            None => self.u8(0),
            Some(x) => {
                self.u8(1);
                self.f64(x);
            }
        }
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }

    pub fn f64s(&mut self, v: &[f64]) {
        self.len(v.len());
        self.bytes.reserve(v.len() * 8);
        for &x in v {
            self.f64(x);
        }
    }

    pub fn f32s(&mut self, v: &[f32]) {
        self.len(v.len());
        self.bytes.reserve(v.len() * 4);
        for &x in v {
            self.u32(x.to_bits());
        }
    }

    pub fn u64s(&mut self, v: &[u64]) {
        self.len(v.len());
        self.bytes.reserve(v.len() * 8);
        for &x in v {
            self.u64(x);
        }
    }

    pub fn u32s(&mut self, v: &[u32]) {
        self.len(v.len());
        self.bytes.reserve(v.len() * 4);
        for &x in v {
            self.u32(x);
        }
    }
}

/// Reads values back; every read checks what is left, so a short or
/// corrupt file is an error, never a panic.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// The body ended early or held an impossible value.
#[derive(Clone, Debug, PartialEq)]
pub struct Short;

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    pub fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Short> {
        let end = self.at.checked_add(n).ok_or(Short)?;
        let s = self.bytes.get(self.at..end).ok_or(Short)?;
        self.at = end;
        Ok(s)
    }

    pub fn u8(&mut self) -> Result<u8, Short> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32, Short> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().map_err(|_| Short)?,
        ))
    }

    pub fn u64(&mut self) -> Result<u64, Short> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().map_err(|_| Short)?,
        ))
    }

    /// A length, at most what `unit`-byte items the rest could hold.
    pub fn len(&mut self, unit: usize) -> Result<usize, Short> {
        let n = usize::try_from(self.u64()?).map_err(|_| Short)?;
        if n.saturating_mul(unit.max(1)) > self.bytes.len() - self.at {
            return Err(Short);
        }
        Ok(n)
    }

    pub fn f64(&mut self) -> Result<f64, Short> {
        Ok(f64::from_bits(self.u64()?))
    }

    pub fn opt_f64(&mut self) -> Result<Option<f64>, Short> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.f64()?)),
            _ => Err(Short),
        }
    }

    pub fn str(&mut self) -> Result<String, Short> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| Short)
    }

    pub fn f64s(&mut self) -> Result<Vec<f64>, Short> {
        let n = self.len(8)?;
        (0..n).map(|_| self.f64()).collect()
    }

    pub fn f32s(&mut self) -> Result<Vec<f32>, Short> {
        let n = self.len(4)?;
        (0..n).map(|_| self.u32().map(f32::from_bits)).collect()
    }

    pub fn u64s(&mut self) -> Result<Vec<u64>, Short> {
        let n = self.len(8)?;
        (0..n).map(|_| self.u64()).collect()
    }

    pub fn u32s(&mut self) -> Result<Vec<u32>, Short> {
        let n = self.len(4)?;
        (0..n).map(|_| self.u32()).collect()
    }
}
