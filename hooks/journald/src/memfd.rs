//! Records larger than a datagram, sent as the journal's protocol says: written to a
//! memfd, sealed so nothing can change it, and the descriptor passed over the socket.

#![allow(
    unsafe_code,
    reason = "memfd_create, fcntl seals and sendmsg with SCM_RIGHTS have no safe std API"
)]

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixDatagram;
use std::path::Path;

/// Sends `record` to the journal socket at `path` through a sealed memfd.
pub(crate) fn send(socket: &UnixDatagram, path: &Path, record: &[u8]) -> io::Result<()> {
    let memfd = create()?;
    let mut file = File::from(memfd);
    file.write_all(record)?;
    let seals = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE | libc::F_SEAL_SEAL;
    // SAFETY: fcntl on a descriptor this function owns, with an integer argument.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals) } < 0 {
        return Err(io::Error::last_os_error());
    }
    send_fd(socket, path, file.as_raw_fd())
}

/// A new memfd that can be sealed, closed on exec.
fn create() -> io::Result<OwnedFd> {
    // SAFETY: the name is a NUL-terminated C string; the flags are valid.
    let fd = unsafe {
        libc::memfd_create(
            c"hooklog-journald".as_ptr(),
            libc::MFD_ALLOW_SEALING | libc::MFD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just created and is owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Sends `fd` to the socket at `path` with no payload, as journald expects.
fn send_fd(socket: &UnixDatagram, path: &Path, fd: i32) -> io::Result<()> {
    // SAFETY: zeroed sockaddr_un, msghdr and control buffer are valid starting states;
    // the path is copied within `sun_path` (checked against its size, NUL kept); the
    // control message is written through CMSG_FIRSTHDR / CMSG_DATA inside `control`,
    // sized by CMSG_SPACE for one descriptor; every pointer outlives the sendmsg call.
    unsafe {
        let mut address: libc::sockaddr_un = std::mem::zeroed();
        address.sun_family = libc::AF_UNIX as libc::sa_family_t;
        let bytes = path.as_os_str().as_bytes();
        if bytes.len() >= address.sun_path.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "socket path too long",
            ));
        }
        for (dst, &src) in address.sun_path.iter_mut().zip(bytes) {
            *dst = src as libc::c_char;
        }
        let space = libc::CMSG_SPACE(size_of::<i32>() as u32) as usize;
        let mut control = vec![0u8; space];
        let mut message: libc::msghdr = std::mem::zeroed();
        message.msg_name = (&raw mut address).cast();
        message.msg_namelen = size_of::<libc::sockaddr_un>() as libc::socklen_t;
        message.msg_control = control.as_mut_ptr().cast();
        message.msg_controllen = space as _;
        let header = libc::CMSG_FIRSTHDR(&message);
        (*header).cmsg_level = libc::SOL_SOCKET;
        (*header).cmsg_type = libc::SCM_RIGHTS;
        (*header).cmsg_len = libc::CMSG_LEN(size_of::<i32>() as u32) as _;
        libc::CMSG_DATA(header).cast::<i32>().write_unaligned(fd);
        if libc::sendmsg(socket.as_raw_fd(), &message, libc::MSG_NOSIGNAL) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
