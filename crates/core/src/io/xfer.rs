//! In-kernel copies: sendfile, copy_file_range, splice, tee, vmsplice.
