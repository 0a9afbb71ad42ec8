/* SPDX-License-Identifier: Apache-2.0 */
/* floor.bpf.c: an empty tp_btf/sys_exit program, to measure what the
 * kernel charges every syscall once any program sits on that tracepoint. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs *regs, long ret)
{
	return 0;
}
