/* The floor for hello (x86_64): write(1, "hello, world\n", 13) and exit_group(0) as two
 * trap instructions, no runtime at all. Built by `cargo xtask bench` with
 * -nostdlib -static and the link choices of sysrt's programs (no build id, no .eh_frame,
 * no relro, read-only data apart from code: W^X kept). */
static const char msg[] = "hello, world\n";

__attribute__((noreturn)) void _start(void) {
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(1L), "D"(1L), "S"(msg), "d"(sizeof msg - 1)
                     : "rcx", "r11", "memory");
    __asm__ volatile("syscall" : : "a"(231L), "D"(0L) : "rcx", "r11", "memory");
    __builtin_unreachable();
}
