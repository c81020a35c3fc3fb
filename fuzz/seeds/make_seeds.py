#!/usr/bin/env python3
"""Writes the hand-made seed inputs into fuzz/corpus/<target>/ (little-endian, 64-bit: the
layout of all three arches). Each name says what the input is; the known-bad shapes the
fuzzing issue lists are here (an unaligned dirent buffer, a short sockaddr length, a
truncated cmsg, an auxv without AT_NULL). The vDSO seeds (seed-* in corpus/vdso/) are
not made here: they were written once from the synthetic images sysrt's vDSO unit tests build
(crates/core/src/vdso/synth.rs: both hash tables, GNU only, System V only, no versions, a load
bias, aarch64 and riscv64 names), some with the hash table then corrupted as the file name
says (zero or huge bucket counts, a huge bloom size, a symoffset past the end, a chain loop)."""
import os, struct, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")

def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)

def dirent(ino, off, typ, name, pad_to=8):
    n = 19 + len(name) + 1
    reclen = (n + pad_to - 1) // pad_to * pad_to
    return struct.pack("<QqHB", ino, off, reclen, typ) + name + b"\0" * (reclen - 19 - len(name))

def with_reclen(rec, reclen):
    return rec[:16] + struct.pack("<H", reclen) + rec[18:]

d = dirent(1, 1, 4, b".") + dirent(2, 2, 4, b"..") + dirent(12, 3, 8, b"file.txt")
put("dirent", "three-entries", d)
put("dirent", "odd-reclen-unaligned-records", dirent(5, 1, 8, b"ab", 1) + dirent(6, 2, 8, b"cde", 1))
put("dirent", "reclen-zero", with_reclen(dirent(7, 1, 8, b"x"), 0))
put("dirent", "reclen-past-end", with_reclen(dirent(7, 1, 8, b"x"), 4000))
put("dirent", "name-without-nul", with_reclen(dirent(7, 1, 8, b"abcd"), 23))
put("dirent", "truncated-header", dirent(7, 1, 8, b"x")[:12])
put("dirent", "name-max", dirent(9, 9, 8, b"n" * 255))

def inotify(wd, mask, cookie, name, pad=0):
    body = name + b"\0" * (pad if name or pad else 0) if name else b"\0" * pad
    return struct.pack("<iIII", wd, mask, cookie, len(body)) + body
put("inotify", "two-events", inotify(1, 0x100, 0, b"new.txt", 9) + inotify(1, 0x200, 0, b""))
put("inotify", "name-only-nuls", inotify(2, 2, 0, b"", 16))
put("inotify", "len-past-end", struct.pack("<iIII", 1, 2, 3, 100) + b"ab")
put("inotify", "truncated-header", inotify(1, 2, 3, b"")[:10])
put("inotify", "name-without-nul", struct.pack("<iIII", 1, 2, 3, 4) + b"abcd")

put("xattr_names", "two-names", b"user.mime_type\0security.selinux\0")
put("xattr_names", "empty-entries", b"\0\0user.a\0\0")
put("xattr_names", "no-final-nul", b"user.a\0user.b")

def sa(length, body):
    return bytes([length]) + body
inet4 = struct.pack("<H", 2) + struct.pack(">H", 80) + bytes([127, 0, 0, 1]) + b"\0" * 8
put("sockaddr", "inet4", sa(16, inet4))
put("sockaddr", "inet4-short-length", sa(8, inet4))
inet6 = struct.pack("<H", 10) + struct.pack(">H", 443) + struct.pack("<I", 7) + bytes(15) + b"\1" + struct.pack("<I", 2)
put("sockaddr", "inet6", sa(28, inet6))
put("sockaddr", "inet6-short-length", sa(27, inet6))
put("sockaddr", "unix-path", sa(2 + 9, struct.pack("<H", 1) + b"/tmp/sock\0"))
put("sockaddr", "unix-108-bytes-len-111", sa(111, struct.pack("<H", 1) + b"p" * 108))
put("sockaddr", "unix-abstract", sa(2 + 5, struct.pack("<H", 1) + b"\0ab\0c"))
put("sockaddr", "unix-unnamed", sa(2, struct.pack("<H", 1)))
put("sockaddr", "netlink", sa(12, struct.pack("<HHII", 16, 0, 1234, 1)))
put("sockaddr", "packet", sa(20, struct.pack("<H", 17) + struct.pack(">H", 0x0800) + struct.pack("<iHBB", 2, 1, 0, 6) + bytes(range(1, 9))))
put("sockaddr", "packet-halen-past-end", sa(14, struct.pack("<H", 17) + struct.pack(">H", 0x0800) + struct.pack("<iHBB", 2, 1, 0, 200) + b"\1\2"))
put("sockaddr", "unknown-family", sa(10, struct.pack("<H", 31) + bytes(range(8))))
put("sockaddr", "length-1", sa(1, b"\2\0"))
put("sockaddr", "length-past-128", sa(255, struct.pack("<H", 31) + bytes(200)))

def cmsg(level, typ, data):
    n = 16 + len(data)
    space = (n + 7) // 8 * 8
    return struct.pack("<Qii", n, level, typ) + data + b"\0" * (space - n)
SOL_SOCKET, SCM_RIGHTS, SCM_CREDENTIALS = 1, 1, 2
put("cmsg", "one-fd", cmsg(SOL_SOCKET, SCM_RIGHTS, struct.pack("<i", 7)))
put("cmsg", "rights-and-credentials", cmsg(SOL_SOCKET, SCM_RIGHTS, struct.pack("<iii", 3, 4, -1)) + cmsg(SOL_SOCKET, SCM_CREDENTIALS, struct.pack("<iII", 10, 0, 0)))
put("cmsg", "truncated", cmsg(SOL_SOCKET, SCM_RIGHTS, struct.pack("<iiii", 3, 4, 5, 6))[:24])
put("cmsg", "len-below-header", struct.pack("<Qii", 8, 1, 1) + b"\0" * 8)
put("cmsg", "partial-trailing-header", cmsg(SOL_SOCKET, SCM_RIGHTS, struct.pack("<i", 9)) + b"\x20\0\0")
put("cmsg", "ip-ttl", cmsg(0, 2, struct.pack("<i", 64)))

def nlmsg(typ, flags, payload):
    n = 16 + len(payload)
    return struct.pack("<IHHII", n, typ, flags, 1, 0) + payload + b"\0" * ((-n) % 4)
def rta(typ, val):
    n = 4 + len(val)
    return struct.pack("<HH", n, typ) + val + b"\0" * ((-n) % 4)
link = struct.pack("<BBHiII", 0, 0, 772, 1, 0x49, 0) + rta(3, b"lo\0") + rta(4, struct.pack("<I", 65536))
RTM_NEWLINK, RTM_NEWADDR, NLMSG_ERROR, NLMSG_DONE = 16, 20, 2, 3
put("netlink", "link-then-done", nlmsg(RTM_NEWLINK, 2, link) + nlmsg(NLMSG_DONE, 2, struct.pack("<i", 0)))
put("netlink", "addr", nlmsg(RTM_NEWADDR, 2, struct.pack("<BBBBI", 2, 8, 0, 254, 1) + rta(1, bytes([127, 0, 0, 1]))))
put("netlink", "error-eperm", nlmsg(NLMSG_ERROR, 0, struct.pack("<i", -1) + bytes(16)))
put("netlink", "ack", nlmsg(NLMSG_ERROR, 0, struct.pack("<i", 0) + bytes(16)))
put("netlink", "truncated", nlmsg(RTM_NEWLINK, 2, link)[:30])
put("netlink", "attr-len-past-message", nlmsg(RTM_NEWLINK, 2, struct.pack("<BBHiII", 0, 0, 1, 2, 0, 0) + struct.pack("<HH", 200, 3) + b"eth0"))

rec = struct.pack("<IiiIIiIIIIii", 10, 0, 0, 1234, 1000, -1, 0, 0, 0, 0, 0, 0) + struct.pack("<QQQQHHiQI", 0xdead, 1, 2, 0, 0, 0, 0, 0, 0xc000003e)
rec += bytes(128 - len(rec))
put("signalfd", "one-record", rec)
put("signalfd", "one-and-a-half", rec + rec[:64])

def words(*w):
    return b"".join(struct.pack("<Q", x) for x in w)
AT_PAGESZ, AT_HWCAP, AT_RANDOM, AT_SYSINFO_EHDR = 6, 16, 25, 33
put("auxv", "with-at-null", words(AT_SYSINFO_EHDR, 0x7fff0000, AT_HWCAP, 0xbfebfbff, AT_PAGESZ, 4096, 0, 0))
put("auxv", "without-at-null", words(AT_PAGESZ, 4096, AT_HWCAP, 1))
put("auxv", "lone-key-and-partial-word", words(AT_PAGESZ, 4096, AT_HWCAP) + b"\1\2\3")

put("initial_stack", "kernel-shaped", words(2, 0x1000, 0x2000, 0, 0x3000, 0, AT_PAGESZ, 4096, AT_RANDOM, 0x4000, 0, 0))
put("initial_stack", "argc-zero-empty-env", words(0, 0, 0, 0, 0))
put("initial_stack", "auxv-without-at-null", words(1, 0x1000, 0, 0, AT_PAGESZ, 4096))
put("initial_stack", "no-envp-null", words(1, 0x1000, 0, 5, 6, 7))
put("initial_stack", "huge-argc", words(0xffffffffffffffff, 0, 0))

put("path", "absolute", b"\0/tmp/some/file")
put("path", "interior-nul", b"\1a\0b")
put("path", "dot-dot", b"\2a/../")
put("path", "non-utf8", b"\3\xff\xfe/x")

def siginfo(signo, code, pid, uid, status, fill=0):
    b = bytearray([fill]) * 128
    for at, v in ((0, signo), (8, code), (16, pid), (20, uid), (24, status)):
        b[at:at + 4] = struct.pack("<I", v & 0xffffffff)
    return bytes(b)
SIGCHLD = 17
put("waitid", "exited-3", siginfo(SIGCHLD, 1, 4321, 1000, 3))
put("waitid", "killed-sigkill", siginfo(SIGCHLD, 2, 4321, 0, 9))
put("waitid", "dumped-sigsegv", siginfo(SIGCHLD, 3, 4321, 0, 11))
put("waitid", "trapped-syscall-stop", siginfo(SIGCHLD, 4, 4321, 0, 0x85))
put("waitid", "stopped-sigstop", siginfo(SIGCHLD, 5, 4321, 0, 19))
put("waitid", "continued", siginfo(SIGCHLD, 6, 4321, 0, 18))
put("waitid", "wnohang-nothing", siginfo(0, 0, 0, 0, 0))
put("waitid", "signo-set-pid-zero", siginfo(SIGCHLD, 1, 0, 0, 0))
put("waitid", "killed-signal-65", siginfo(SIGCHLD, 2, 4321, 0, 65))
put("waitid", "stopped-signal-zero", siginfo(SIGCHLD, 5, 4321, 0, 0))
put("waitid", "unknown-code-and-negative-pid", siginfo(SIGCHLD, -6, -1, 0xffffffff, -2147483648))
put("waitid", "all-ones", b"\xff" * 128)
put("waitid", "truncated-head", siginfo(SIGCHLD, 1, 4321, 0, 3)[:18])

def env(name, chunk, block):
    return bytes([len(name), chunk]) + name + block
put("env", "first-duplicate-wins", env(b"A", 3, b"B=2\0A=1\0A=dup\0"))
put("env", "no-final-nul", env(b"PATH", 0, b"HOME=/root\0PATH=/bin:/usr/bin"))
put("env", "entry-without-equals", env(b"NOEQ", 5, b"NOEQ\0NOEQX=1\0NOEQ=yes\0"))
put("env", "empty-name-entry", env(b"", 1, b"=x\0A=\0\0\0"))
put("env", "name-with-equals", env(b"A=B", 2, b"A=B=1\0"))
put("env", "empty-entries-and-value", env(b"E", 7, b"\0\0E=\0E=late\0"))
put("env", "long-value", env(b"SYSRT_NO_VDSO", 1, b"SYSRT_NO_VDSO=" + b"0" * 40 + b"\0"))
put("env", "nul-in-name", env(b"A\0", 4, b"A\0=1\0A=2"))

# The vDSO version walk's bound (crates/core/src/vdso/elf.rs, `version_is`): the x86_64
# image with DT_VERDEFNUM set to 2^64 - 1 and DT_VERDEF moved to a chain appended at the end:
# 64 definitions that match nothing, then the one that names the calls' version. The walk
# stops after MAX_VERDEFS (64), so the calls are not found; before the clamp a corrupted
# count let every candidate symbol walk as far as the links went.
def vdso_long_verdef_chain():
    path = os.path.join(root, "vdso", "seed-x86_64-both-hashes")
    img = bytearray(open(path, "rb").read())
    phoff, = struct.unpack_from("<Q", img, 32)
    phentsize, phnum = struct.unpack_from("<HH", img, 54)
    load = dyn = None
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr = struct.unpack_from("<IIQQ", img, phoff + i * phentsize)
        if p_type == 1 and load is None:
            load = (p_offset, p_vaddr)
        if p_type == 2:
            dyn = p_offset
    off = lambda vaddr: vaddr - load[1] + load[0]
    va = lambda o: o - load[0] + load[1]
    DT_VERDEF, DT_VERDEFNUM = 0x6ffffffc, 0x6ffffffd
    d, where = dyn, {}
    while True:
        tag, val = struct.unpack_from("<qQ", img, d)
        if tag == 0:
            break
        where[tag] = (d, val)
        d += 16
    vd = off(where[DT_VERDEF][1])
    second = vd + struct.unpack_from("<I", img, vd + 16)[0]
    version_name, = struct.unpack_from("<I", img, second + struct.unpack_from("<I", img, second + 12)[0])
    while len(img) % 8:
        img.append(0)
    chain = len(img)
    for i in range(65):
        last = i == 64
        # vd_version, vd_flags, vd_ndx, vd_cnt, vd_hash, vd_aux, vd_next
        img += struct.pack("<HHHHIII", 1, 0, 2 if last else 3, 1, 0, 20 if last else 0, 0 if last else 20)
    img += struct.pack("<II", version_name, 0)
    struct.pack_into("<Q", img, where[DT_VERDEF][0] + 8, va(chain))
    struct.pack_into("<Q", img, where[DT_VERDEFNUM][0] + 8, 2**64 - 1)
    with open(os.path.join(root, "vdso", "regression-verdef-chain-past-max-verdefs"), "wb") as f:
        f.write(bytes(img))
vdso_long_verdef_chain()

def qwords(*w):
    return b"".join(struct.pack("<Q", x & 0xffffffffffffffff) for x in w)
MSG_CMSG_CLOEXEC, MSG_TRUNC, MSG_CTRUNC, FD_CLOEXEC = 0x40000000, 0x20, 0x8, 1
put("flags", "zero-and-all-ones", qwords(0, 2**64 - 1))
put("flags", "single-bits", qwords(*[1 << i for i in range(64)]))
put("flags", "fcntl-and-msg-flags", qwords(FD_CLOEXEC | (0o102 << 32), MSG_CMSG_CLOEXEC | MSG_TRUNC | MSG_CTRUNC))
put("flags", "statx-mask-and-attributes", qwords(0x00000fff | (0x80000000 << 32), 0x0000000000300000 | (1 << 63)))
put("flags", "unknown-high-bits", qwords(0xdead0000beef0000, 0x8000000080000000))
put("flags", "partial-word", b"\x01\x80\x00")
