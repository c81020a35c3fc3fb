//! A writer for the "newc" cpio format the kernel unpacks as an initramfs
//! (Documentation/driver-api/early-userspace/buffer-format.rst), so a machine without the
//! `cpio` tool can build one.
//!
//! Each entry is a 110-byte ASCII header — the magic `070701` and thirteen 8-digit hex
//! fields — then the NUL-terminated name, padded to a multiple of 4 bytes counting from the
//! header's start, then the data, padded likewise. The archive ends with an entry named
//! `TRAILER!!!`.

/// File type bits of `c_mode` (`S_IFDIR`, `S_IFREG`, `S_IFCHR`).
const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFCHR: u32 = 0o020000;
const S_IFLNK: u32 = 0o120000;

/// An archive being built in memory; entries appear in the order added (a directory must come
/// before what it holds).
pub struct Archive {
    bytes: Vec<u8>,
    next_ino: u32,
}

impl Archive {
    pub fn new() -> Archive {
        Archive {
            bytes: vec![],
            next_ino: 1,
        }
    }

    /// A directory, `name` without a leading `/` (`dev`, `dev/pts`).
    pub fn dir(&mut self, name: &str, perm: u32) {
        self.entry(name, S_IFDIR | perm, (0, 0), b"");
    }

    /// A regular file holding `data`.
    pub fn file(&mut self, name: &str, perm: u32, data: &[u8]) {
        self.entry(name, S_IFREG | perm, (0, 0), data);
    }

    /// A character device node with the given major and minor numbers.
    pub fn char_dev(&mut self, name: &str, perm: u32, (major, minor): (u32, u32)) {
        self.entry(name, S_IFCHR | perm, (major, minor), b"");
    }

    /// A symbolic link to `target` (its data is the target path).
    pub fn symlink(&mut self, name: &str, target: &str) {
        self.entry(name, S_IFLNK | 0o777, (0, 0), target.as_bytes());
    }

    /// Appends the trailer and returns the archive.
    pub fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, (0, 0), b"");
        self.bytes
    }

    fn entry(&mut self, name: &str, mode: u32, rdev: (u32, u32), data: &[u8]) {
        let ino = self.next_ino;
        self.next_ino += 1;
        let nlink = if mode & S_IFDIR != 0 { 2 } else { 1 };
        let size = u32::try_from(data.len()).expect("an initramfs file under 4 GiB");
        let namesize = u32::try_from(name.len() + 1).expect("a short name");
        // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
        // rdevminor, namesize, check (0: no checksum in the newc format).
        let fields = [
            ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev.0, rdev.1, namesize, 0,
        ];
        self.bytes.extend_from_slice(b"070701");
        for f in fields {
            self.bytes.extend_from_slice(format!("{f:08X}").as_bytes());
        }
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(data);
        self.pad();
    }

    /// Zero bytes up to the next multiple of 4 (the archive starts at offset 0, so offsets
    /// in it are offsets from an entry's start modulo 4).
    fn pad(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(entry: &[u8], i: usize) -> u32 {
        let s = std::str::from_utf8(&entry[6 + 8 * i..6 + 8 * (i + 1)]).unwrap();
        u32::from_str_radix(s, 16).unwrap()
    }

    #[test]
    fn a_file_entry_is_a_110_byte_header_name_and_data_each_padded_to_4() {
        let mut a = Archive::new();
        a.file("init", 0o755, b"hello");
        let bytes = a.finish();
        assert_eq!(&bytes[..6], b"070701");
        assert_eq!(field(&bytes, 1), 0o100755, "mode");
        assert_eq!(field(&bytes, 6), 5, "filesize");
        assert_eq!(field(&bytes, 11), 5, "namesize counts the NUL");
        // 110 + "init\0" = 115, padded to 116; data at 116..121, padded to 124.
        assert_eq!(&bytes[110..116], b"init\0\0");
        assert_eq!(&bytes[116..124], b"hello\0\0\0");
        assert_eq!(&bytes[124..130], b"070701");
        assert_eq!(&bytes[124 + 110..124 + 121], b"TRAILER!!!\0");
        assert_eq!(bytes.len() % 4, 0);
    }

    #[test]
    fn a_symlink_holds_its_target_as_data() {
        let mut a = Archive::new();
        a.symlink("bin/sh", "busybox");
        let bytes = a.finish();
        assert_eq!(field(&bytes, 1), 0o120777);
        assert_eq!(field(&bytes, 6), 7);
        // 110 + "bin/sh\0" = 117, padded to 120.
        assert_eq!(&bytes[120..127], b"busybox");
    }

    #[test]
    fn directories_and_devices_carry_type_and_numbers() {
        let mut a = Archive::new();
        a.dir("dev", 0o755);
        a.char_dev("dev/console", 0o600, (5, 1));
        let bytes = a.finish();
        assert_eq!(field(&bytes, 1), 0o040755);
        assert_eq!(field(&bytes, 4), 2, "a directory's nlink");
        // 110 + "dev\0" = 114, padded to 116; no data.
        let second = 116;
        assert_eq!(&bytes[second..second + 6], b"070701");
        let dev = &bytes[second..];
        assert_eq!(field(dev, 1), 0o020600);
        assert_eq!((field(dev, 9), field(dev, 10)), (5, 1));
        assert_eq!(field(dev, 0), 2, "inode numbers differ");
    }
}
