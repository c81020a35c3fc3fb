//! Event I/O: waiting on many descriptors ([`epoll_create1`] and [`epoll_wait`], [`poll`],
//! [`select`]) and descriptors that are events ([`eventfd`], [`timerfd_create`]).
//!
//! Every descriptor made here is close-on-exec. Timer settings and clocks are
//! [`time::ItimerSpec`](crate::time::ItimerSpec) and [`time::ClockId`](crate::time::ClockId). Signals as descriptors are
//! [`signal::signalfd4`](crate::signal::signalfd4) and [`signal::Notify`](crate::signal::Notify);
//! file-system events are [`fs::inotify_init1`](crate::fs::inotify_init1) (Go puts inotify
//! in this category).
//!
//! ```no_run
//! use sysrt::event::{self, EpollCreateFlags, EpollEvent, EpollFlags};
//! let ep = event::epoll_create1(EpollCreateFlags::empty())?;
//! let efd = event::eventfd(0, event::EfdFlags::NONBLOCK)?;
//! event::epoll_add(&ep, &efd, EpollFlags::IN, 7)?;
//! event::eventfd_write(&efd, 1)?;
//! let mut events = [EpollEvent::zeroed(); 16];
//! let n = event::epoll_wait(&ep, &mut events, None)?;
//! assert_eq!((n, events[0].data()), (1, 7));
//! # Ok::<(), sysrt::Errno>(())
//! ```

mod epoll;
mod eventfd;
mod poll;

pub use epoll::{
    EpollCreateFlags, EpollEvent, EpollFlags, EpollOp, epoll_add, epoll_create1, epoll_ctl,
    epoll_delete, epoll_modify, epoll_pwait, epoll_pwait2, epoll_wait,
};
pub use eventfd::{
    EfdFlags, TfdFlags, TfdTimerFlags, eventfd, eventfd_read, eventfd_write, timerfd_create,
    timerfd_gettime, timerfd_read, timerfd_settime,
};
pub use poll::{FD_SETSIZE, FdSet, PollFd, PollFlags, poll, ppoll, pselect6, select};
