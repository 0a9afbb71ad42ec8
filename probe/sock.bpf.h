/* SPDX-License-Identifier: Apache-2.0 */
/* sock.bpf.h: fds to files and sockets, and the SOCKTUPLE and SOCKADDR
 * encodings of format.md section 7 (IPs in network order, ports in host
 * order). */
#ifndef SAKER_SOCK_BPF_H
#define SAKER_SOCK_BPF_H

#define AF_UNIX_  1
#define AF_INET_  2
#define AF_INET6_ 10
#define S_IFMT_   0170000
#define S_IFSOCK_ 0140000

/* The kernel's cast of a plain address to a read-only BTF pointer (6.2+). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* Direct loads through BTF pointers (CO-RE relocated, faulting loads
 * that read 0), no helper call. The fd array slot, a struct file pointer
 * at a computed address, is read as the first member of a struct kiocb
 * cast there (ki_filp, at offset 0): a plain load where
 * bpf_probe_read_kernel would cost a helper call on every open and
 * socket event. */
static __always_inline struct file *fd_file(struct task_struct *task, s64 fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *f = NULL;
	u64 slot;

	if (fd < 0 || !fdt || fd >= fdt->max_fds)
		return NULL;
	slot = (u64)fdt->fd + fd * sizeof(f);
	if (bpf_core_field_offset(struct kiocb, ki_filp) == 0)
		f = ((struct kiocb *)bpf_rdonly_cast((void *)slot,
						     bpf_core_type_id_kernel(struct kiocb)))->ki_filp;
	else
		bpf_probe_read_kernel(&f, sizeof(f), (void *)slot);
	return f ? bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file)) : NULL;
}

static __always_inline struct sock *fd_sock(struct task_struct *task, s64 fd)
{
	struct file *f = fd_file(task, fd);
	struct socket *so;

	if (!f || (f->f_inode->i_mode & S_IFMT_) != S_IFSOCK_)
		return NULL;
	so = bpf_rdonly_cast(f->private_data, bpf_core_type_id_kernel(struct socket));
	return so ? so->sk : NULL;
}

/* A unix socket's path, abstract names shown with a leading '@'; the
 * bytes written (with the NUL), at most 110. */
static __always_inline u32 put_sun_path(u8 *p, const char *path, int user)
{
	char c = 0;
	long n;

	if (user)
		bpf_probe_read_user(&c, 1, path);
	else
		bpf_probe_read_kernel(&c, 1, path);
	if (c == 0) {
		p[0] = '@';
		n = user ? bpf_probe_read_user_str(&p[1], 108, path + 1) :
			   bpf_probe_read_kernel_str(&p[1], 108, path + 1);
		if (n <= 1) {
			p[0] = 0;
			return 1;
		}
		return n + 1;
	}
	n = user ? bpf_probe_read_user_str(p, 109, path) : bpf_probe_read_kernel_str(p, 109, path);
	if (n <= 0) {
		p[0] = 0;
		return 1;
	}
	return n;
}

/* The remote end from a user sockaddr (sendto/sendmsg on an unconnected
 * socket): ip (network order, 4 or 16 bytes) into ip, port in host order. */
static __always_inline u16 user_peer(const void *uaddr, u64 ulen, u16 fam, void *ip)
{
	u16 f = 0, port = 0;

	if (!uaddr || ulen < 8 || bpf_probe_read_user(&f, 2, uaddr) || f != fam)
		return 0;
	bpf_probe_read_user(&port, 2, uaddr + 2);
	if (fam == AF_INET_)
		bpf_probe_read_user(ip, 4, uaddr + 4);
	else if (ulen >= 24)
		bpf_probe_read_user(ip, 16, uaddr + 8);
	return bpf_ntohs(port);
}

/* inbound: the peer is the source (accept, recv*); outbound: we are. A
 * socket without a remote end takes it from uaddr when given. sk comes
 * from fd_sock: plain loads. */
static __always_inline void evb_tuple(struct evb *e, struct sock *sk, int inbound,
				      const void *uaddr, u64 ulen)
{
	u8 *p = evb_at(e);
	u16 fam;

	if (!sk || evb_room(e) < 160) {
		evb_empty(e);
		return;
	}
	fam = sk->__sk_common.skc_family;
	if (fam == AF_INET_) {
		u32 lip = sk->__sk_common.skc_rcv_saddr;
		u32 rip = sk->__sk_common.skc_daddr;
		u16 lport = sk->__sk_common.skc_num;
		u16 rport = bpf_ntohs(sk->__sk_common.skc_dport);

		if (!rip && !rport)
			rport = user_peer(uaddr, ulen, AF_INET_, &rip);
		p[0] = AF_INET_;
		*(u32 *)&p[1] = inbound ? rip : lip;
		*(u16 *)&p[5] = inbound ? rport : lport;
		*(u32 *)&p[7] = inbound ? lip : rip;
		*(u16 *)&p[11] = inbound ? lport : rport;
		evb_len(e, 13);
	} else if (fam == AF_INET6_) {
		u16 lport = sk->__sk_common.skc_num;
		u16 rport = bpf_ntohs(sk->__sk_common.skc_dport);
		u8 *rip = &p[inbound ? 1 : 19];

		p[0] = AF_INET6_;
		bpf_core_read(&p[inbound ? 19 : 1], 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(rip, 16, &sk->__sk_common.skc_v6_daddr);
		if (!rport)
			rport = user_peer(uaddr, ulen, AF_INET6_, rip);
		*(u16 *)&p[17] = inbound ? rport : lport;
		*(u16 *)&p[35] = inbound ? lport : rport;
		evb_len(e, 37);
	} else if (fam == AF_UNIX_) {
		struct unix_sock *us = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct unix_sock));
		struct sock *peer = us->peer;
		struct unix_address *addr = NULL;

		p[0] = AF_UNIX_;
		*(u64 *)&p[1] = (u64)sk;
		*(u64 *)&p[9] = (u64)peer;
		if (peer)
			addr = ((struct unix_sock *)bpf_rdonly_cast(peer,
					bpf_core_type_id_kernel(struct unix_sock)))->addr;
		if (!addr)
			addr = us->addr;
		if (addr)
			evb_len(e, 17 + put_sun_path(&p[17], addr->name[0].sun_path, 0));
		else {
			p[17] = 0;
			evb_len(e, 18);
		}
	} else {
		evb_empty(e);
	}
}

/* A user struct sockaddr of ulen bytes. */
static __always_inline void evb_sockaddr(struct evb *e, const void *uaddr, u64 ulen)
{
	u8 *p = evb_at(e);
	u16 fam = 0, port = 0;

	if (!uaddr || ulen < 2 || evb_room(e) < 160 || bpf_probe_read_user(&fam, 2, uaddr)) {
		evb_empty(e);
		return;
	}
	if (fam == AF_INET_ && ulen >= 8) {
		p[0] = AF_INET_;
		bpf_probe_read_user(&port, 2, uaddr + 2);
		bpf_probe_read_user(&p[1], 4, uaddr + 4);
		*(u16 *)&p[5] = bpf_ntohs(port);
		evb_len(e, 7);
	} else if (fam == AF_INET6_ && ulen >= 24) {
		p[0] = AF_INET6_;
		bpf_probe_read_user(&port, 2, uaddr + 2);
		bpf_probe_read_user(&p[1], 16, uaddr + 8);
		*(u16 *)&p[17] = bpf_ntohs(port);
		evb_len(e, 19);
	} else if (fam == AF_UNIX_ && ulen > 2) {
		p[0] = AF_UNIX_;
		evb_len(e, 1 + put_sun_path(&p[1], uaddr + 2, 1));
	} else {
		evb_empty(e);
	}
}

#endif
