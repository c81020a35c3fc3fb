/* The same program as examples/src/bin/hello.rs in C: the peer `cargo xtask bench` builds
 * static with musl-gcc and with gcc (glibc). */
#include <stdio.h>

int main(void) {
    puts("hello, world");
    return 0;
}
