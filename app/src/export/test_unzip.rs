//! Test-only zip reader with a small DEFLATE decoder (RFC 1951, after zlib's `puff.c`), so the
//! XLSX tests can look inside the workbook without adding a dependency to the crate.
//! Handles what `rust_xlsxwriter` writes: stored or deflated entries, no zip64, no encryption.

/// Returns `(name, uncompressed bytes)` for every entry of the zip archive `data`.
/// Panics on anything unexpected (it is test code).
pub(crate) fn unzip(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |p: usize| u16::from_le_bytes([data[p], data[p + 1]]) as usize;
    let u32_at = |p: usize| u32::from_le_bytes(data[p..p + 4].try_into().unwrap()) as usize;

    // End of central directory record: signature PK\5\6, searched backwards (comment ≤ 64 KiB).
    let eocd = (0..=data.len() - 22)
        .rev()
        .find(|&p| data[p..p + 4] == *b"PK\x05\x06")
        .expect("no end of central directory");
    let entries = u16_at(eocd + 10);
    let mut p = u32_at(eocd + 16);

    let mut out = Vec::with_capacity(entries);
    for _ in 0..entries {
        assert_eq!(&data[p..p + 4], b"PK\x01\x02", "central directory entry");
        let method = u16_at(p + 10);
        let compressed = u32_at(p + 20);
        let size = u32_at(p + 24);
        let name_len = u16_at(p + 28);
        let extra_len = u16_at(p + 30);
        let comment_len = u16_at(p + 32);
        let local = u32_at(p + 42);
        let name = String::from_utf8(data[p + 46..p + 46 + name_len].to_vec()).unwrap();
        p += 46 + name_len + extra_len + comment_len;

        assert_eq!(
            &data[local..local + 4],
            b"PK\x03\x04",
            "local header of {name}"
        );
        let start = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let raw = &data[start..start + compressed];
        let bytes = match method {
            0 => raw.to_vec(),
            8 => inflate(raw),
            other => panic!("{name}: unsupported compression method {other}"),
        };
        assert_eq!(bytes.len(), size, "{name}: size");
        out.push((name, bytes));
    }
    out
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u32,
    count: u32,
}

impl Bits<'_> {
    /// Next `n` bits (n ≤ 16), least significant bit first.
    fn get(&mut self, n: u32) -> u32 {
        while self.count < n {
            let byte = *self.data.get(self.pos).expect("deflate data truncated");
            self.buf |= u32::from(byte) << self.count;
            self.pos += 1;
            self.count += 8;
        }
        let value = self.buf & ((1 << n) - 1);
        self.buf >>= n;
        self.count -= n;
        value
    }
}

/// Canonical Huffman code: number of codes of each length, symbols ordered by code.
struct Huffman {
    count: [u16; 16],
    symbol: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Self {
        let mut count = [0_u16; 16];
        for &len in lengths {
            count[len as usize] += 1;
        }
        count[0] = 0;
        let mut offsets = [0_u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + count[len];
        }
        let mut symbol = vec![0_u16; lengths.len()];
        for (sym, &len) in lengths.iter().enumerate() {
            if len != 0 {
                symbol[offsets[len as usize] as usize] = sym as u16;
                offsets[len as usize] += 1;
            }
        }
        Huffman { count, symbol }
    }

    fn decode(&self, bits: &mut Bits<'_>) -> usize {
        let (mut code, mut first, mut index) = (0_i32, 0_i32, 0_i32);
        for len in 1..16 {
            code |= bits.get(1) as i32;
            let count = i32::from(self.count[len]);
            if code - count < first {
                return self.symbol[(index + (code - first)) as usize] as usize;
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        panic!("invalid Huffman code");
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Decodes a raw DEFLATE stream.
pub(crate) fn inflate(data: &[u8]) -> Vec<u8> {
    let mut bits = Bits {
        data,
        pos: 0,
        buf: 0,
        count: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = bits.get(1) == 1;
        match bits.get(2) {
            0 => {
                // Stored block: byte-aligned LEN, NLEN, then raw bytes.
                bits.buf = 0;
                bits.count = 0;
                let p = bits.pos;
                let len = usize::from(u16::from_le_bytes([data[p], data[p + 1]]));
                out.extend_from_slice(&data[p + 4..p + 4 + len]);
                bits.pos = p + 4 + len;
            }
            1 => {
                let mut lengths = [0_u8; 288];
                lengths[..144].fill(8);
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                lengths[280..].fill(8);
                let lit = Huffman::new(&lengths);
                let dist = Huffman::new(&[5; 30]);
                codes(&mut bits, &mut out, &lit, &dist);
            }
            2 => {
                let (lit, dist) = dynamic_tables(&mut bits);
                codes(&mut bits, &mut out, &lit, &dist);
            }
            _ => panic!("invalid deflate block type"),
        }
        if last {
            return out;
        }
    }
}

fn dynamic_tables(bits: &mut Bits<'_>) -> (Huffman, Huffman) {
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];
    let nlen = bits.get(5) as usize + 257;
    let ndist = bits.get(5) as usize + 1;
    let ncode = bits.get(4) as usize + 4;
    let mut code_lengths = [0_u8; 19];
    for &i in &ORDER[..ncode] {
        code_lengths[i] = bits.get(3) as u8;
    }
    let code_code = Huffman::new(&code_lengths);
    let mut lengths = vec![0_u8; nlen + ndist];
    let mut i = 0;
    while i < nlen + ndist {
        let sym = code_code.decode(bits);
        let (value, repeat) = match sym {
            0..=15 => (sym as u8, 1),
            16 => (lengths[i - 1], 3 + bits.get(2) as usize),
            17 => (0, 3 + bits.get(3) as usize),
            _ => (0, 11 + bits.get(7) as usize),
        };
        lengths[i..i + repeat].fill(value);
        i += repeat;
    }
    (
        Huffman::new(&lengths[..nlen]),
        Huffman::new(&lengths[nlen..]),
    )
}

fn codes(bits: &mut Bits<'_>, out: &mut Vec<u8>, lit: &Huffman, dist: &Huffman) {
    loop {
        let sym = lit.decode(bits);
        match sym {
            0..=255 => out.push(sym as u8),
            256 => return,
            _ => {
                let s = sym - 257;
                let len = LEN_BASE[s] as usize + bits.get(u32::from(LEN_EXTRA[s])) as usize;
                let d = dist.decode(bits);
                let distance = DIST_BASE[d] as usize + bits.get(u32::from(DIST_EXTRA[d])) as usize;
                let start = out.len() - distance;
                for k in 0..len {
                    out.push(out[start + k]);
                }
            }
        }
    }
}
