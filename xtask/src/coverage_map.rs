//! Each Go function (of `go-syscall-linux.tsv` and `go-xsys-unix-extras.tsv`) → the sysrt item
//! that does its job and the test cases that show it, or the reason it has no counterpart.
//!
//! `covered(path; program: "case", …)` expands to a `use path as _;`, so naming an item that
//! does not exist is a compile error; xtask checks that every named case is in its program
//! (`tests/src/bin/PROGRAM.rs`; the program `xtask` means a parent-side case in
//! `xtask/src/test.rs`).

/// How a Go function is accounted for.
pub enum Status {
    /// Done by `item`, tested by the named (program, case) pairs.
    Covered {
        item: &'static str,
        tests: &'static [(&'static str, &'static str)],
    },
    /// Not provided, for the reason given (deprecated, Go-runtime-only, inapplicable, …).
    Reason(&'static str),
}

pub struct Entry {
    pub go: &'static str,
    pub status: Status,
}

macro_rules! coverage_map {
    ($( $go:literal => $kind:ident ( $($body:tt)* ) ),* $(,)?) => {
        pub const MAP: &[Entry] = &[ $( coverage_map!(@entry $go $kind ($($body)*)) ),* ];
    };
    (@entry $go:literal covered ($($item:ident)::+ ; $($prog:ident : $case:literal),+ $(,)?)) => {{
        #[allow(unused_imports)]
        use $($item)::+ as _;
        Entry {
            go: $go,
            status: Status::Covered {
                item: stringify!($($item)::+),
                tests: &[$((stringify!($prog), $case)),+],
            },
        }
    }};
    (@entry $go:literal reason ($why:literal)) => {
        Entry { go: $go, status: Status::Reason($why) }
    };
}

coverage_map! {
    // raw
    "Syscall" => covered(sysrt::syscall; raw: "getpid_restarting_syscall_vs_raw", intr: "syscall_restarts_after_eintr"),
    "Syscall6" => covered(sysrt::syscall6; raw: "mmap_6_args_both_page_aligned"),
    "RawSyscall" => covered(sysrt::raw_syscall; raw: "getpid_raw_vs_sc", raw: "close_minus_1_is_errno_ebadf", intr: "raw_syscall_read_interrupted_eintr"),
    "RawSyscall6" => covered(sysrt::raw_syscall6; raw: "openat_missing_enoent_both"),
    "AllThreadsSyscall" => reason("Go-runtime-only: needs the Go scheduler to run the call on every thread; sysrt has no thread runtime"),
    "AllThreadsSyscall6" => reason("Go-runtime-only: as AllThreadsSyscall"),

    // errors
    "Errno.Error" => covered(sysrt::Errno; errno: "errno_table_round_trip_all", errno: "errno_unknown_display"),
    "Errno.Is" => covered(sysrt::ErrorKind; errno: "errno_is_matches_go_every_number", errno: "errno_kind_of_each_group"),
    "Errno.Temporary" => covered(sysrt::Errno; errno: "errno_temporary_timeout_match_go_every_number"),
    "Errno.Timeout" => covered(sysrt::Errno; errno: "errno_temporary_timeout_match_go_every_number"),

    // process (foundation)
    "Getpid" => covered(sysrt::process::getpid; startup: "getpid_matches_proc_self_stat"),
    "Getppid" => covered(sysrt::process::getppid; startup: "getppid_is_xtask"),
    "Gettid" => covered(sysrt::process::gettid; startup: "gettid_is_getpid_single_thread"),
    "Exit" => covered(sysrt::process::exit; xtask: "exit_status_{code}_reaches_parent", xtask: "exit_status_256_wraps_to_0"),

    // process: waiting, identity and sessions, limits (issue 7)
    "Wait4" => covered(sysrt::process::wait4; proc_wait: "monitor_running_child_wnohang_is_none", proc_wait: "monitor_sigstop_reported_stopped", proc_wait: "wait4_same_child_twice_echild", proc_wait: "wait4_raw_pid_int_min_esrch", proc_wait: "blocking_wait4_interrupted_eintr", proc_wait: "wait4_rusage_child_exit_0_cpu_at_least_50ms"),
    "WaitStatus.Exited" => covered(sysrt::process::WaitStatus; proc_wait: "monitor_exit_42_reported_exited", proc_wait: "exit_259_reported_as_3"),
    "WaitStatus.ExitStatus" => covered(sysrt::process::WaitStatus; proc_wait: "monitor_exit_42_reported_exited", proc_wait: "after_wnowait_still_waitable_wait4_reaps_7"),
    "WaitStatus.Signaled" => covered(sysrt::process::WaitStatus; proc_wait: "sigkill_child_signaled_kill_no_core", proc_wait: "sigsegv_child_signaled_segv"),
    "WaitStatus.Signal" => covered(sysrt::process::WaitStatus; proc_wait: "sighup_child_signaled_hup", proc_wait: "sigterm_child_signaled_term"),
    "WaitStatus.CoreDump" => covered(sysrt::process::WaitStatus; proc_wait: "sigabrt_with_core_dump_core_flag", proc_wait: "sigabrt_rlimit_core_0_signaled_no_core_flag"),
    "WaitStatus.Stopped" => covered(sysrt::process::WaitStatus; proc_wait: "monitor_sigstop_reported_stopped", proc_wait: "wait4_without_wuntraced_skips_stop_sees_kill"),
    "WaitStatus.StopSignal" => covered(sysrt::process::WaitStatus; proc_wait: "monitor_sigstop_reported_stopped"),
    "WaitStatus.Continued" => covered(sysrt::process::WaitStatus; proc_wait: "monitor_sigcont_reported_continued_0xffff"),
    "WaitStatus.TrapCause" => covered(sysrt::process::WaitStatus; proc_wait: "traced_sigtrap_stop_trap_cause_0", proc_wait: "traced_exit_event_stop_trap_cause_6_then_exit_5", proc_wait: "traced_sigstop_stop_trap_cause_none"),
    "Getrusage" => covered(sysrt::process::getrusage; proc_wait: "getrusage_children_counts_both_burners", proc_wait: "getrusage_self_maxrss_minflt_positive_unused_fields_0", proc_wait: "getrusage_thread_cpu_not_above_process"),
    "Times" => covered(sysrt::process::times; proc_wait: "times_ticks_advance_children_cpu_at_least_8_ticks"),
    "Getuid" => covered(sysrt::process::getuid; proc_id: "getuid_geteuid_getgid_getegid_match_raw"),
    "Geteuid" => covered(sysrt::process::geteuid; proc_id: "getuid_geteuid_getgid_getegid_match_raw"),
    "Getgid" => covered(sysrt::process::getgid; proc_id: "getuid_geteuid_getgid_getegid_match_raw"),
    "Getegid" => covered(sysrt::process::getegid; proc_id: "getuid_geteuid_getgid_getegid_match_raw"),
    "Getgroups" => covered(sysrt::process::getgroups; proc_id: "getgroups_matches_proc_status_groups", proc_id: "setgroups_1_2_3_getgroups_and_proc_status"),
    "Setgroups" => covered(sysrt::process::setgroups; proc_id: "setgroups_1_2_3_getgroups_and_proc_status", proc_id: "setgroups_more_than_ngroups_max_einval", proc_id: "as_nobody_id_changes_capbset_drop_unshare_eperm_setfsuid_ignored"),
    "Setuid" => covered(sysrt::process::setuid; proc_id: "setuid_as_root_sets_all_three", proc_id: "setuid_setgid_u32_max_invalid_id_einval", proc_id: "as_nobody_id_changes_capbset_drop_unshare_eperm_setfsuid_ignored"),
    "Setgid" => covered(sysrt::process::setgid; proc_id: "setgid_as_root_sets_all_three", proc_id: "setuid_setgid_u32_max_invalid_id_einval"),
    "Setreuid" => covered(sysrt::process::setreuid; proc_id: "setreuid_saved_id_rules", proc_id: "setreuid_setregid_some_u32_max_einval"),
    "Setregid" => covered(sysrt::process::setregid; proc_id: "setregid_saved_id_rules", proc_id: "setreuid_setregid_some_u32_max_einval"),
    "Setresuid" => covered(sysrt::process::setresuid; proc_id: "setresgid_setresuid_round_trip_proc_status", proc_id: "setresuid_some_u32_max_einval_before_syscall"),
    "Setresgid" => covered(sysrt::process::setresgid; proc_id: "setresgid_setresuid_round_trip_proc_status"),
    "Seteuid" => covered(sysrt::process::seteuid; proc_id: "seteuid_setegid_change_only_effective", proc_id: "setreuid_saved_id_rules"),
    "Setegid" => covered(sysrt::process::setegid; proc_id: "seteuid_setegid_change_only_effective"),
    "Setfsuid" => covered(sysrt::process::setfsuid; proc_id: "setfsuid_returns_previous_follows_euid", proc_id: "as_nobody_id_changes_capbset_drop_unshare_eperm_setfsuid_ignored"),
    "Setfsgid" => covered(sysrt::process::setfsgid; proc_id: "setfsgid_returns_previous_follows_egid"),
    "Getpgid" => covered(sysrt::process::getpgid; proc_id: "setpgid_child_into_own_group_seen_by_parent", proc_id: "getpgid_getsid_nonexistent_pid_esrch"),
    "Getpgrp" => covered(sysrt::process::getpgrp; proc_id: "getpgrp_matches_proc_status_nspgid", proc_id: "getpgrp_equals_getpgid_none"),
    "Setpgid" => covered(sysrt::process::setpgid; proc_id: "setpgid_child_into_own_group_seen_by_parent", proc_id: "setpgid_not_our_child_pid_1_esrch", proc_id: "setpgid_negative_pgid_einval"),
    "Setsid" => covered(sysrt::process::setsid; proc_id: "setsid_in_child_new_session_and_group_then_eperm_twice", proc_id: "setsid_as_process_group_leader_eperm"),
    "Getpriority" => covered(sysrt::process::getpriority; proc_limits: "getpriority_self_is_nice_of_proc_thread_self_stat", proc_limits: "getpriority_is_20_minus_raw_kernel_value", proc_limits: "getpriority_user_without_processes_esrch"),
    "Setpriority" => covered(sysrt::process::setpriority; proc_limits: "setpriority_5_then_100_clamped_to_19", proc_limits: "setpriority_lower_without_cap_sys_nice_eacces", proc_limits: "setpriority_other_users_process_eperm"),
    "Getrlimit" => covered(sysrt::process::getrlimit; proc_limits: "getrlimit_every_resource_matches_proc_self_limits"),
    "Setrlimit" => covered(sysrt::process::setrlimit; proc_limits: "setrlimit_restores_nofile", proc_limits: "setrlimit_cur_above_max_einval_limit_kept", proc_limits: "setrlimit_raise_hard_without_cap_sys_resource_eperm"),
    "Unshare" => covered(sysrt::process::unshare; proc_id: "unshare_newuts_then_setns_back", proc_id: "unshare_unknown_flag_clone_ptrace_einval"),
    // x/sys/unix extras of the same area
    "Waitid" => covered(sysrt::process::waitid; proc_wait: "waitid_p_pid_wnowait_reports_exited_7", proc_wait: "waitid_p_pgid_child_group_exited_3", proc_wait: "waitid_p_all_exited_8", proc_wait: "waitid_wstopped_cld_stopped_sigstop", proc_wait: "pidfd_send_signal_sigkill_waitid_p_pidfd_killed", proc_wait: "waitid_without_exited_stopped_continued_einval"),
    "PidfdOpen" => covered(sysrt::process::pidfd_open; proc_wait: "pidfd_open_child_has_cloexec", proc_wait: "pidfd_open_nonexistent_pid_esrch", proc_wait: "pidfd_nonblock_waitid_running_child_eagain"),
    "PidfdSendSignal" => covered(sysrt::process::pidfd_send_signal; proc_wait: "pidfd_send_signal_sigkill_waitid_p_pidfd_killed", proc_wait: "pidfd_send_signal_after_reaped_esrch", proc_wait: "pidfd_send_signal_on_non_pidfd_ebadf"),
    "PidfdGetfd" => covered(sysrt::process::pidfd_getfd; proc_wait: "pidfd_getfd_dup_of_child_fd_same_pipe_cloexec", proc_wait: "pidfd_getfd_closed_target_fd_ebadf"),
    "Prlimit" => covered(sysrt::process::prlimit; proc_limits: "prlimit_on_child_set_then_read_and_proc_pid_limits", proc_limits: "prlimit_lower_nofile_soft_returns_old_value", proc_limits: "prlimit_nonexistent_pid_esrch"),
    "Prctl" => covered(sysrt::process::pr_set_name; proc_id: "pr_set_name_round_trip_and_proc_comm", proc_id: "pr_pdeathsig_none_set_term_get_term_clear", proc_id: "pr_set_no_new_privs_in_child_get_true_proc_status_1", proc_id: "orphan_reparented_to_subreaper_killed_by_pdeathsig", proc_id: "pr_cap_ambient_raise_is_set_lower_clear_all"),
    "PrctlRetInt" => covered(sysrt::process::pr_get_dumpable; proc_id: "pr_get_dumpable_is_user", proc_id: "pr_keepcaps_false_set_true_set_false", proc_id: "pr_capbset_read_every_cap_matches_proc_capbnd"),
    "Capget" => covered(sysrt::process::capget; proc_id: "capget_self_matches_proc_status", proc_id: "capget_nonexistent_pid_esrch", proc_id: "capget_of_child_equals_ours"),
    "Capset" => covered(sysrt::process::capset; proc_id: "capset_drop_chown_effective_then_permitted_then_raise_eperm"),
    "Setns" => covered(sysrt::process::setns; proc_id: "unshare_newuts_then_setns_back", proc_id: "setns_on_dev_null_einval"),
    "Getresuid" => covered(sysrt::process::getresuid; proc_id: "getresuid_matches_proc_status_uid", proc_id: "setreuid_saved_id_rules"),
    "Getresgid" => covered(sysrt::process::getresgid; proc_id: "getresgid_matches_proc_status_gid", proc_id: "setregid_saved_id_rules"),
    "Getsid" => covered(sysrt::process::getsid; proc_id: "getsid_none_matches_proc_status_nssid", proc_id: "getsid_of_child_is_our_session"),
    "SchedGetaffinity" => covered(sysrt::process::sched_getaffinity; proc_limits: "sched_getaffinity_matches_cpus_allowed_list", proc_limits: "sched_get_setaffinity_nonexistent_pid_esrch"),
    "SchedSetaffinity" => covered(sysrt::process::sched_setaffinity; proc_limits: "sched_setaffinity_one_cpu_round_trip_in_child", proc_limits: "sched_setaffinity_empty_set_einval"),
    // signal
    "Kill" => covered(sysrt::signal::kill; signal_send: "kill_self_usr1_pending", signal_send: "kill_probe_nonexistent_esrch", signal_send: "kill_pid_int_min_esrch_r62", signal_send: "kill_root_process_as_nobody_eperm_r22"),
    "Pause" => covered(sysrt::signal::pause; signal_action: "pause_returns_eintr_after_handler"),
    "Tgkill" => covered(sysrt::signal::tgkill; signal_send: "tgkill_own_tid", signal_send: "tgkill_wrong_tgid_esrch", signal_send: "tgkill_tid_0_einval"),
    "Signal.Signal" => covered(sysrt::signal::Signal; signal_send: "signal_numbers_are_the_generic_table", signal_send: "signal_type_holds_only_1_to_64"),
    "Signal.String" => covered(sysrt::signal::Signal; signal_send: "signal_display_is_go_string", signal_send: "signal_display_unknown_is_signal_n"),

    // misc: ptrace
    "PtraceAttach" => covered(sysrt::ptrace::attach; ptrace: "attach_stops_with_sigstop", ptrace: "attach_to_self_eperm", ptrace: "attach_to_root_process_as_nobody_eperm"),
    "PtraceCont" => covered(sysrt::ptrace::cont; ptrace: "cont_to_second_stop", ptrace: "cont_not_a_tracee_esrch"),
    "PtraceDetach" => covered(sysrt::ptrace::detach; ptrace: "detach_seized_child", ptrace: "detached_child_not_traced_esrch", ptrace: "detach_attached_child"),
    "PtraceGetEventMsg" => covered(sysrt::ptrace::geteventmsg; ptrace: "geteventmsg_is_exit_status"),
    "PtraceGetRegs" => covered(sysrt::ptrace::getregs; ptrace: "getregs_syscall_number_is_getpid", ptrace: "getregs_return_value_is_real_pid", ptrace: "getregs_nonexistent_pid_esrch"),
    "PtracePeekData" => covered(sysrt::ptrace::peek_data; ptrace: "peekdata_reads_the_childs_word", ptrace: "peek_data_unaligned_5_bytes"),
    "PtracePeekText" => covered(sysrt::ptrace::peek_text; ptrace: "peektext_reads_the_code"),
    "PtracePokeData" => covered(sysrt::ptrace::poke_data; ptrace: "pokedata_writes_the_childs_word", ptrace: "poke_data_2_bytes_keeps_neighbours"),
    "PtracePokeText" => covered(sysrt::ptrace::poke_text; ptrace: "poke_data_2_bytes_keeps_neighbours"),
    "PtraceSetOptions" => covered(sysrt::ptrace::setoptions; ptrace: "setoptions_sysgood_exitkill_traceexit", ptrace: "syscall_entry_stop"),
    "PtraceSetRegs" => covered(sysrt::ptrace::setregs; ptrace: "setregs_changes_return_value", ptrace: "set_pc_sends_tracee_to_landing"),
    "PtraceSingleStep" => covered(sysrt::ptrace::singlestep; ptrace: "singlestep_moves_pc"),
    "PtraceSyscall" => covered(sysrt::ptrace::syscall; ptrace: "syscall_entry_stop", ptrace: "syscall_exit_stop"),
    "PtraceRegs.PC" => covered(sysrt::ptrace::PtraceRegs; ptrace: "singlestep_moves_pc"),
    "PtraceRegs.SetPC" => covered(sysrt::ptrace::PtraceRegs; ptrace: "set_pc_sends_tracee_to_landing"),
    // process (spawning and the environment)
    "ForkExec" => covered(sysrt::process::fork_exec; spawn_exec: "true_exits_0", spawn_exec: "sh_c_exit_7", spawn_exec: "exec_missing_enoent", spawn_exec: "fork_exec_gives_the_errno", spawn_attr: "swap_2_1_0_and_kept_3_each_hold_the_right_file", spawn_sys: "setsid_child_leads_session_and_group", spawn_ns: "cloneflags_new_namespaces"),
    "StartProcess" => covered(sysrt::process::start_process; spawn_exec: "chdir_missing_enoent_step_chdir", spawn_exec: "files_from_closed_fd_ebadf_step_files", spawn_sys: "pidfd_signals_the_child_and_is_cloexec", spawn_ns: "cgroup_fd_starts_child_in_cgroup"),
    "Exec" => covered(sysrt::process::exec; spawn_exec: "exec_replaces_the_process", spawn_exec: "exec_child_exit_status", spawn_exec: "exec_missing_returns_enoent", spawn_exec: "execveat_empty_path_runs_the_fd"),
    "Getenv" => covered(sysrt::env::getenv; spawn_env: "getenv_passed_variable", spawn_env: "getenv_key_with_eq_none", startup: "getenv_empty_value", startup: "getenv_non_utf8_value"),
    "Setenv" => covered(sysrt::env::setenv; spawn_env: "setenv_rejects_like_go_einval", spawn_env: "setenv_replace_keeps_one_entry", spawn_env: "arena_limit_enomem_env_intact_clearenv_works", spawn_attr: "env_none_after_setenv_unsetenv"),
    "Unsetenv" => covered(sysrt::env::unsetenv; spawn_env: "unsetenv_removes", spawn_env: "unsetenv_unnameable_key_is_ok_like_go"),
    "Clearenv" => covered(sysrt::env::clearenv; spawn_env: "clearenv_empties", spawn_env: "spawn_inherits_cleared_env"),
    "Environ" => covered(sysrt::env::environ; spawn_env: "setenv_after_clearenv", spawn_attr: "env_none_inherits_ours"),

    // file-io
    "Open" => covered(sysrt::fs::open; basic_fs: "open_creat_excl_new_file", basic_fs: "open_missing_enoent"),
    "Openat" => covered(sysrt::fs::openat; basic_fs: "open_sets_cloexec_by_default"),
    "Creat" => covered(sysrt::fs::creat; fs_misc: "creat_new_file", fs_misc: "creat_existing_truncates_bytes_gone", fs_misc: "creat_on_directory_eisdir"),
    "Read" => covered(sysrt::io::read; basic_fs: "read_back_contents", basic_fs: "read_at_eof_returns_0", io_rw: "read_closed_fd_ebadf"),
    "Write" => covered(sysrt::io::write; basic_fs: "write_hello_syscall", basic_fs: "write_zero_bytes", io_rw: "write_on_rdonly_fd_ebadf"),
    "Close" => covered(sysrt::io::close; basic_fs: "close_reports_ok"),
    "Pread" => covered(sysrt::io::pread; io_rw: "pread_reads_at_offset", io_rw: "pread_does_not_move_offset", io_rw: "pread_on_pipe_espipe"),
    "Pwrite" => covered(sysrt::io::pwrite; io_rw: "pwrite_writes_at_offset", io_rw: "pwrite_does_not_move_offset"),
    "Seek" => covered(sysrt::io::lseek; io_rw: "lseek_start", io_rw: "lseek_bad_whence_99_raw_einval", io_rw: "seek_data_in_hole_is_1_mib"),
    "Fsync" => covered(sysrt::io::fsync; io_xfer: "fsync_file_ok_bytes_intact", io_xfer: "fsync_on_pipe_einval"),
    "Fdatasync" => covered(sysrt::io::fdatasync; io_xfer: "fdatasync_file_ok", io_xfer: "fdatasync_on_pipe_einval"),
    "SyncFileRange" => covered(sysrt::io::sync_file_range; io_xfer: "sync_file_range_whole_file_bytes_intact", io_xfer: "sync_file_range_on_pipe_espipe"),
    "Ftruncate" => covered(sysrt::io::ftruncate; io_xfer: "ftruncate_grows_to_100", io_xfer: "ftruncate_rdonly_fd_einval_size_kept"),
    "Fallocate" => covered(sysrt::io::fallocate; io_xfer: "fallocate_allocates_and_grows_size", io_xfer: "fallocate_punch_hole_without_keep_size_eopnotsupp"),
    "Sendfile" => covered(sysrt::io::sendfile; io_xfer: "sendfile_file_to_file_with_offset", io_xfer: "sendfile_closed_in_fd_ebadf"),
    "Splice" => covered(sysrt::io::splice; io_xfer: "splice_file_to_pipe_with_offset", io_xfer: "splice_offset_on_pipe_side_espipe"),
    "Dup" => covered(sysrt::io::dup; io_fd: "dup_shares_offset_after_write", io_fd: "dup_copy_has_cloexec", io_fd: "dup_closed_fd_ebadf"),
    "Dup2" => covered(sysrt::io::dup2; io_fd: "dup2_replaces_target", io_fd: "dup2_onto_itself_ok", io_fd: "dup2_onto_itself_keeps_cloexec_cleared", io_fd: "dup2_closed_source_ebadf_target_kept"),
    "Dup3" => covered(sysrt::io::dup3; io_fd: "dup3_onto_itself_einval", io_fd: "dup3_raw_onto_rlimit_nofile_ebadf", io_fd: "dup3_inheritable_target_has_no_cloexec"),
    "Pipe" => covered(sysrt::io::pipe; io_fd: "pipe_both_ends_cloexec", io_fd: "pipe_read_back", io_fd: "read_on_pipe_write_end_ebadf"),
    "Pipe2" => covered(sysrt::io::pipe2; io_fd: "pipe2_nonblock_empty_read_eagain", io_fd: "pipe2_raw_unknown_flag_einval_nothing_written"),
    "CloseOnExec" => covered(sysrt::io::set_cloexec; io_fd: "set_cloexec_true_sets", io_fd: "set_cloexec_false_clears"),
    "SetNonblock" => covered(sysrt::io::set_nonblock; io_fd: "set_nonblock_true_empty_pipe_read_eagain", io_fd: "set_nonblock_false_clears_keeps_access_mode"),
    "FcntlFlock" => covered(sysrt::io::fcntl_setlk; io_fd: "setlk_write_lock_bytes_10_to_29", io_fd: "ofd_setlk_from_other_description_eagain", io_fd: "setlk_raw_bad_type_einval"),
    "Flock" => covered(sysrt::io::flock; io_fd: "flock_exclusive_against_shared_ewouldblock", io_fd: "flock_unlock_then_other_takes_exclusive", io_fd: "flock_closed_fd_ebadf"),
    "Tee" => covered(sysrt::io::tee; io_xfer: "tee_pipe_to_pipe_duplicates", io_xfer: "tee_from_a_file_einval"),

    // fs
    "Access" => covered(sysrt::fs::access; fs_perm: "access_as_root_mode_000_r_w_x", fs_perm: "access_as_real_nobody_w_ok_on_root_644_eacces"),
    "Faccessat" => covered(sysrt::fs::faccessat; fs_perm: "faccessat_relative_to_dirfd", fs_perm: "faccessat_eaccess_as_euid_nobody_w_ok_eacces"),
    "Chdir" => covered(sysrt::fs::chdir; fs_names: "chdir_to_directory", fs_names: "chdir_to_file_enotdir"),
    "Fchdir" => covered(sysrt::fs::fchdir; fs_names: "fchdir_back_to_directory", fs_names: "fchdir_on_file_enotdir"),
    "Getcwd" => covered(sysrt::fs::getcwd; fs_names: "getcwd_after_chdir_is_canonical_path", fs_names: "getcwd_one_byte_buffer_erange"),
    "Getwd" => covered(sysrt::fs::getcwd; fs_names: "getcwd_starts_with_slash"),
    "Chroot" => covered(sysrt::fs::chroot; fs_names: "chroot_as_nobody_eperm", fs_names: "chroot_to_missing_enoent"),
    "Chmod" => covered(sysrt::fs::chmod; fs_perm: "chmod_sets_mode_exactly", fs_perm: "chmod_missing_enoent"),
    "Fchmod" => covered(sysrt::fs::fchmod; fs_perm: "fchmod_sets_mode_exactly", fs_perm: "fchmod_on_o_path_fd_ebadf"),
    "Fchmodat" => covered(sysrt::fs::fchmodat; fs_perm: "fchmodat_relative_to_dirfd", fs_perm: "fchmodat_nofollow_on_symlink_eopnotsupp"),
    "Chown" => covered(sysrt::fs::chown; fs_perm: "chown_to_nobody", fs_perm: "chown_as_nobody_on_root_file_eperm"),
    "Fchown" => covered(sysrt::fs::fchown; fs_perm: "fchown_to_nobody_and_back", fs_perm: "fchown_closed_fd_ebadf"),
    "Lchown" => covered(sysrt::fs::lchown; fs_perm: "lchown_changes_the_link", fs_perm: "lchown_leaves_the_target"),
    "Fchownat" => covered(sysrt::fs::fchownat; fs_perm: "fchownat_relative_nofollow", fs_perm: "fchownat_bad_flag_removedir_einval"),
    "Stat" => covered(sysrt::fs::stat; fs_stat: "stat_regular_file", fs_stat: "stat_missing_enoent"),
    "Lstat" => covered(sysrt::fs::lstat; fs_stat: "lstat_symlink_is_symlink_size_1", fs_stat: "lstat_symlink_loop_is_symlink"),
    "Fstat" => covered(sysrt::fs::fstat; fs_stat: "fstat_equals_stat", fs_stat: "fstat_closed_fd_ebadf"),
    "Statfs" => covered(sysrt::fs::statfs; fs_stat: "statfs_proc_is_procfs", fs_stat: "statfs_missing_enoent"),
    "Fstatfs" => covered(sysrt::fs::fstatfs; fs_stat: "fstatfs_agrees_with_statfs", fs_stat: "fstatfs_closed_fd_ebadf"),
    "Getdents" => covered(sysrt::fs::getdents64; fs_dir: "getdents64_regular_file_enotdir_r15", fs_dir: "getdents64_16_byte_buffer_einval_r16"),
    "ReadDirent" => covered(sysrt::fs::getdents64; fs_dir: "rawdir_1k_buffer_10000_each_once", fs_dir: "r17_every_name_exactly_once"),
    "Mkdir" => covered(sysrt::fs::mkdir; fs_names: "mkdir_creates_directory", fs_names: "mkdir_existing_eexist"),
    "Mkdirat" => covered(sysrt::fs::mkdirat; fs_names: "mkdirat_relative_to_dirfd", fs_names: "mkdirat_dirfd_is_file_enotdir"),
    "Rmdir" => covered(sysrt::fs::rmdir; fs_names: "rmdir_empty_directory", fs_names: "rmdir_nonempty_enotempty"),
    "Mkfifo" => covered(sysrt::fs::mkfifo; fs_names: "mkfifo_type_fifo", fs_names: "mkfifo_existing_eexist"),
    "Mknod" => covered(sysrt::fs::mknod; fs_names: "mknod_fifo", fs_names: "mknod_char_device_as_nobody_eperm"),
    "Mknodat" => covered(sysrt::fs::mknodat; fs_names: "mknodat_socket_relative_to_dirfd", fs_names: "mknodat_closed_dirfd_ebadf", fs_names: "mknod_dev_over_32_bits_einval"),
    "Link" => covered(sysrt::fs::link; fs_names: "link_creates_second_name", fs_names: "link_onto_existing_eexist"),
    "Symlink" => covered(sysrt::fs::symlink; fs_names: "symlink_creates_link", fs_names: "symlink_onto_existing_eexist"),
    "Readlink" => covered(sysrt::fs::readlink; fs_names: "readlink_exact_target", fs_names: "readlink_small_buffer_truncated_prefix"),
    "Rename" => covered(sysrt::fs::rename; fs_names: "rename_file_over_file", fs_names: "rename_dir_onto_nonempty_dir_enotempty"),
    "Renameat" => covered(sysrt::fs::renameat; fs_names: "renameat_relative_to_dirfds"),
    "Unlink" => covered(sysrt::fs::unlink; basic_fs: "unlink_file", basic_fs: "unlink_missing_enoent"),
    "Unlinkat" => covered(sysrt::fs::unlinkat; basic_fs: "unlinkat_removedir_on_file_enotdir"),
    "Umask" => covered(sysrt::fs::umask; fs_names: "umask_returns_previous_mask", fs_names: "create_0777_under_umask_077_is_0700"),
    "Truncate" => covered(sysrt::io::truncate; io_xfer: "truncate_path_sets_size", io_xfer: "truncate_missing_enoent"),
    "Sync" => covered(sysrt::io::sync; io_xfer: "sync_returns_bytes_intact"),
    "Utime" => covered(sysrt::fs::utimes; fs_perm: "utimes_whole_seconds"),
    "Utimes" => covered(sysrt::fs::utimes; fs_perm: "utimes_whole_seconds"),
    "UtimesNano" => covered(sysrt::fs::utimensat; fs_perm: "utimensat_explicit_times_exact", fs_perm: "utimensat_nsec_one_billion_einval"),
    "Futimes" => covered(sysrt::fs::futimens; fs_perm: "futimens_on_fd_exact", fs_perm: "futimens_closed_fd_ebadf"),
    "Futimesat" => covered(sysrt::fs::utimensat; fs_perm: "utimensat_relative_to_dirfd"),
    "Getxattr" => covered(sysrt::fs::getxattr; fs_misc: "getxattr_exact_bytes", fs_misc: "getxattr_missing_enodata"),
    "Setxattr" => covered(sysrt::fs::setxattr; fs_misc: "setxattr_user_attr", fs_misc: "setxattr_create_existing_eexist"),
    "Listxattr" => covered(sysrt::fs::listxattr; fs_misc: "listxattr_has_exactly_the_names_set", fs_misc: "listxattr_buffer_too_small_erange"),
    "Removexattr" => covered(sysrt::fs::removexattr; fs_misc: "removexattr_then_get_enodata", fs_misc: "removexattr_missing_enodata"),
    "Mount" => covered(sysrt::fs::mount; fs_misc: "mount_tmpfs_on_temp_dir_listed_in_mountinfo", fs_misc: "mount_as_nobody_eperm"),
    "Unmount" => covered(sysrt::fs::umount2; fs_misc: "umount2_file_gone_dir_empty_again", fs_misc: "umount2_not_a_mount_point_einval"),
    "PivotRoot" => covered(sysrt::fs::pivot_root; fs_misc: "pivot_root_new_root_not_mount_point_einval", fs_misc: "pivot_root_as_nobody_eperm"),
    "Ustat" => reason("deprecated: ustat(2) is obsolete, amd64-only in Go and absent from the generic syscall table; statfs/fstatfs do its job"),

    // helpers
    "ParseDirent" => covered(sysrt::fs::RawDir; fs_dir: "r17_every_name_exactly_once", fs_dir: "getdents64_16_byte_buffer_einval_r16"),
    "BytePtrFromString" => covered(sysrt::path::Arg; basic_fs: "open_interior_nul_einval", basic_fs: "path_of_path_max_bytes_enametoolong"),
    "ByteSliceFromString" => covered(sysrt::path::Arg; basic_fs: "unlink_interior_nul_einval"),
    "StringBytePtr" => reason("deprecated in Go (panics on an interior NUL); sysrt::path::Arg does its job and returns EINVAL instead"),
    "StringByteSlice" => reason("deprecated in Go (panics on an interior NUL); sysrt::path::Arg does its job and returns EINVAL instead"),

    // memory
    "Mmap" => covered(sysrt::mm::MmapOptions; mm_map: "anonymous_write_then_read_back", mm_map: "shared_file_mapping_write_visible_via_read", mm_map: "private_file_mapping_cow_not_in_file", mm_map: "map_write_only_fd_for_reading_eacces_r44"),
    "Munmap" => covered(sysrt::mm::munmap; mm_map: "raw_munmap_twice_second_is_ok_r47", mm_map: "raw_munmap_unaligned_einval_r47", mm_map: "no_mapping_leaked"),
    "Mprotect" => covered(sysrt::mm::mprotect; mm_map: "write_after_mprotect_read_only_child_sigsegv", mm_map: "raw_mprotect_unmapped_range_enomem_r48", mm_map: "shared_map_of_rdonly_fd_make_mut_eacces_r48"),
    "Madvise" => covered(sysrt::mm::madvise; mm_map: "advise_willneed_sequential_normal_ok", mm_map: "madvise_unaligned_slice_einval", mm_map: "madvise_dontneed_zeroes_anonymous"),
    "Mlock" => covered(sysrt::mm::mlock; mm_map: "mlock_counts_in_vmlck_munlock_releases", mm_map: "mlock_unmapped_raw_enomem"),
    "Munlock" => covered(sysrt::mm::munlock; mm_map: "mlock_counts_in_vmlck_munlock_releases"),
    "Mlockall" => covered(sysrt::mm::mlockall; mm_map: "mlockall_current_onfault_then_munlockall", mm_map: "mlockall_no_flags_einval"),
    "Munlockall" => covered(sysrt::mm::munlockall; mm_map: "mlockall_current_onfault_then_munlockall", mm_map: "munlockall_ok"),
    "Getpagesize" => covered(sysrt::mm::page_size; mm_map: "page_size_is_at_pagesz_power_of_two", mm_map: "anonymous_zero_filled_page_aligned"),

    // misc (the Ptrace* rows belong to the process area)
    "Uname" => covered(sysrt::system::uname; sys_info: "uname_release_is_osrelease", sys_info: "uname_nodename_is_hostname", sys_info: "uname_machine_is_this_arch"),
    "Sysinfo" => covered(sysrt::system::sysinfo; sys_info: "sysinfo_uptime_within_2s_of_proc_uptime", sys_info: "sysinfo_totalram_totalswap_match_meminfo"),
    "Sethostname" => covered(sysrt::system::sethostname; sys_admin: "sethostname_in_new_uts_namespace_seen_by_uname_and_proc", sys_admin: "sethostname_65_bytes_einval_in_namespace", sys_admin: "sethostname_without_cap_sys_admin_eperm"),
    "Setdomainname" => covered(sysrt::system::setdomainname; sys_admin: "setdomainname_in_new_uts_namespace_seen_by_uname_and_proc", sys_admin: "setdomainname_without_cap_sys_admin_eperm"),
    "Reboot" => covered(sysrt::system::reboot; sys_admin: "reboot_typed_without_cap_sys_boot_eperm", sys_admin: "reboot_raw_bad_magic_einval_or_eperm"),
    "Acct" => covered(sysrt::system::acct; sys_admin: "acct_missing_file_enoent", sys_admin: "acct_on_dev_null_not_regular_eacces", sys_admin: "acct_without_cap_sys_pacct_eperm"),
    "Klogctl" => covered(sysrt::system::syslog; sys_admin: "syslog_size_buffer_is_a_power_of_two", sys_admin: "syslog_read_all_fits_the_buffer", sys_admin: "syslog_console_level_9_einval_or_eperm"),
    // x86_64 only, as in Go (amd64-only API): aarch64 and riscv64 have no I/O ports, so
    // sysrt_arch::only_x86_64! leaves the calls out there. The kernel here is built without
    // CONFIG_X86_IOPL_IOPERM, so these cases report ENOSYS as a skip on this machine.
    "Ioperm" => covered(sysrt::system::ioperm; sys_admin: "ioperm_beyond_port_65535_einval", sys_admin: "iopl_0_and_ioperm_revoke_ok", sys_admin: "iopl_3_and_ioperm_grant_without_cap_eperm"),
    "Iopl" => covered(sysrt::system::iopl; sys_admin: "iopl_4_einval", sys_admin: "iopl_0_and_ioperm_revoke_ok", sys_admin: "iopl_3_and_ioperm_grant_without_cap_eperm"),

    // x/sys/unix extras
    "Openat2" => covered(sysrt::fs::openat2; fs_misc: "openat2_beneath_dotdot_exdev", fs_misc: "openat2_sets_cloexec"),
    "Statx" => covered(sysrt::fs::statx; fs_stat: "fstatat_and_statx_agree_r14", fs_stat: "statx_missing_enoent"),
    "Renameat2" => covered(sysrt::fs::renameat2; fs_names: "renameat2_exchange_swapped_contents", fs_names: "renameat2_noreplace_existing_eexist"),
    "Faccessat2" => covered(sysrt::fs::faccessat; fs_perm: "faccessat_eaccess_as_euid_nobody_r_ok", fs_perm: "faccessat_symlink_nofollow_on_dangling_link"),
    "CloseRange" => covered(sysrt::io::close_range; io_rw: "close_range_closes_200_to_202", io_rw: "close_range_first_greater_than_last_einval"),
    "CopyFileRange" => covered(sysrt::io::copy_file_range; io_xfer: "copy_file_range_with_offsets_exact_bytes", io_xfer: "copy_file_range_tmp_ext4_to_dev_shm_tmpfs_exdev"),
    "Readv" => covered(sysrt::io::readv; io_rw: "readv_scatters_into_three_buffers", io_rw: "readv_empty_iovec_list_returns_0"),
    "Writev" => covered(sysrt::io::writev; io_rw: "writev_gathered_bytes_in_order", io_rw: "writev_empty_iovec_list_returns_0"),
    "Preadv" => covered(sysrt::io::preadv; io_rw: "preadv_at_offset", io_rw: "preadv_pwritev_leave_offset"),
    "Pwritev" => covered(sysrt::io::pwritev; io_rw: "pwritev_at_offset", io_rw: "pwritev_bytes_land_at_offset"),
    "Preadv2" => covered(sysrt::io::preadv2; io_rw: "preadv2_nowait_cached_file_reads_exactly", io_rw: "preadv2_none_offset_reads_at_file_offset"),
    "Pwritev2" => covered(sysrt::io::pwritev2; io_rw: "pwritev2_rwf_append_ignores_offset", io_rw: "pwritev2_unknown_rwf_bit_raw_eopnotsupp"),
    "Fadvise" => covered(sysrt::io::fadvise; io_xfer: "fadvise_every_advice_ok_size_kept", io_xfer: "fadvise_on_pipe_espipe"),
    "Vmsplice" => covered(sysrt::io::vmsplice; io_xfer: "vmsplice_two_buffers_into_pipe_read_back", io_xfer: "vmsplice_on_regular_file_ebadf"),
    "Linkat" => covered(sysrt::fs::linkat; fs_names: "linkat_symlink_follow_links_target", fs_names: "linkat_bad_flag_removedir_einval"),
    "Symlinkat" => covered(sysrt::fs::symlinkat; fs_names: "symlinkat_relative_to_dirfd"),
    "Readlinkat" => covered(sysrt::fs::readlinkat; fs_names: "readlinkat_relative_to_dirfd", fs_names: "readlink_on_regular_file_einval"),
    "Mkfifoat" => covered(sysrt::fs::mkfifoat; fs_names: "mkfifoat_relative_to_dirfd"),
    "UtimesNanoAt" => covered(sysrt::fs::utimensat; fs_perm: "utimensat_nofollow_changes_link_times", fs_perm: "utimensat_relative_to_dirfd"),
    "Fstatat" => covered(sysrt::fs::fstatat; fs_stat: "fstatat_name_in_dirfd_equals_stat", fs_stat: "fstatat_relative_with_file_dirfd_enotdir"),
    "Fgetxattr" => covered(sysrt::fs::fgetxattr; fs_misc: "fgetxattr_exact_bytes", fs_misc: "fgetxattr_closed_fd_ebadf"),
    "Fsetxattr" => covered(sysrt::fs::fsetxattr; fs_misc: "fsetxattr_seen_by_path", fs_misc: "fsetxattr_closed_fd_ebadf"),
    "Flistxattr" => covered(sysrt::fs::flistxattr; fs_misc: "flistxattr_has_name"),
    "Fremovexattr" => covered(sysrt::fs::fremovexattr; fs_misc: "fremovexattr_then_get_enodata", fs_misc: "fremovexattr_missing_enodata"),
    "Lgetxattr" => covered(sysrt::fs::lgetxattr; fs_misc: "lgetxattr_on_symlink_itself_enodata"),
    "Lsetxattr" => covered(sysrt::fs::lsetxattr; fs_misc: "lsetxattr_user_on_symlink_eperm"),
    "Syncfs" => covered(sysrt::io::syncfs; io_xfer: "syncfs_file_ok", io_xfer: "fsync_fdatasync_syncfs_closed_fd_ebadf"),
    "NameToHandleAt" => covered(sysrt::fs::name_to_handle_at; fs_misc: "name_to_handle_at_same_file_same_handle", fs_misc: "name_to_handle_at_missing_enoent", fs_misc: "name_to_handle_at_mnt_id_unique_bit_einval"),
    "OpenByHandleAt" => covered(sysrt::fs::open_by_handle_at; fs_misc: "open_by_handle_at_opens_the_same_file", fs_misc: "open_by_handle_at_as_nobody_eperm"),
    "MemfdCreate" => covered(sysrt::io::memfd_create; io_fd: "memfd_write_then_read_back", io_fd: "memfd_name_250_bytes_einval"),
    "IoctlGetInt" => covered(sysrt::io::ioctl_fionread; io_fd: "fionread_pipe_after_5_bytes", io_fd: "fionread_closed_fd_ebadf"),
    "IoctlGetWinsize" => covered(sysrt::io::ioctl_tiocgwinsz; io_fd: "tiocgwinsz_pty_master_round_trip", io_fd: "tiocgwinsz_regular_file_enotty"),
    "IoctlSetWinsize" => covered(sysrt::io::ioctl_tiocswinsz; io_fd: "tiocswinsz_pty_master", io_fd: "tiocswinsz_regular_file_enotty"),
    "Major" => covered(sysrt::fs::major; fs_stat: "major_minor_of_dev_null_rdev"),
    "Minor" => covered(sysrt::fs::minor; fs_stat: "major_minor_of_dev_null_rdev"),
    "Mkdev" => covered(sysrt::fs::makedev; fs_stat: "makedev_1_3_is_dev_null_rdev"),
    "Signalfd" => covered(sysrt::signal::signalfd4; signal_fd: "signalfd_record_has_sender_pid_and_uid", signal_fd: "signalfd4_has_cloexec", signal_fd: "signalfd4_unknown_flag_einval"),
    "PthreadSigmask" => covered(sysrt::signal::rt_sigprocmask; signal_send: "sigprocmask_block_returns_old_mask", signal_send: "sigprocmask_leaves_out_kill_and_stop", signal_send: "sigprocmask_unblock_then_setmask"),
    "PtraceSeize" => covered(sysrt::ptrace::seize; ptrace: "seize_running_child"),
    "PtraceInterrupt" => covered(sysrt::ptrace::interrupt; ptrace: "interrupt_gives_event_stop"),
    "PtracePeekUser" => reason("arch-specific: PTRACE_PEEKUSR reads `struct user` offsets that exist on x86_64 only (arm64 and riscv64 kernels return EIO); ptrace::getregs (PTRACE_GETREGSET) reads the registers on every arch"),
    "PtracePokeUser" => reason("arch-specific: as PtracePeekUser; ptrace::setregs (PTRACE_SETREGSET) writes the registers on every arch"),
    "SignalName" => covered(sysrt::signal::Signal; signal_send: "signal_name_and_from_name"),
    "SignalNum" => covered(sysrt::signal::Signal; signal_send: "signal_name_and_from_name"),
    "ErrnoName" => covered(sysrt::Errno; errno: "errno_table_round_trip_all", errno: "errno_unknown_name"),
    "Msync" => covered(sysrt::mm::msync; mm_map: "shared_file_mapping_flush_msync_ok", mm_map: "msync_async_and_sync_together_einval"),
    "Mremap" => covered(sysrt::mm::mremap; mm_map: "mremap_grow_keeps_contents_new_zero", mm_map: "mremap_shrink_keeps_prefix", mm_map: "resize_grow_file_mapping_einval"),
    "ProcessVMReadv" => covered(sysrt::mm::process_vm_readv; mm_misc: "process_vm_readv_child_sees_childs_copy", mm_misc: "process_vm_readv_two_ranges_second_unmapped_short", mm_misc: "process_vm_readv_pid_1_as_nobody_eperm"),
    "ProcessVMWritev" => covered(sysrt::mm::process_vm_writev; mm_misc: "process_vm_writev_into_child_child_sees_it"),
    "Auxv" => covered(sysrt::auxv::entries; sys_info: "auxv_entries_match_proc_self_auxv", sys_info: "hwcaps_words_are_at_hwcap_and_at_hwcap2"),
}
