/* SPDX-License-Identifier: Apache-2.0 */
/* test_match.c: core/match.c, the matching helpers of compiled conditions. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "saker.h"
#include "check.h"

#define S(x) (const uint8_t *)(x), (uint32_t)strlen(x)

static void test_sets(void)
{
	struct saker_strset *set = saker_strset_new(SAKER_SET_EXACT);
	char many[32];
	int i;

	CHECK(set != NULL);
	CHECK_INT(saker_strset_add(set, "bash", 4), 0);
	CHECK_INT(saker_strset_add(set, "sh", 2), 0);
	CHECK_INT(saker_strset_add(set, "", 0), 0);
	CHECK_INT(saker_strset_has(set, S("bash")), 1);
	CHECK_INT(saker_strset_has(set, S("sh")), 1);
	CHECK_INT(saker_strset_has(set, S("")), 1);
	CHECK_INT(saker_strset_has(set, S("bas")), 0);
	CHECK_INT(saker_strset_has(set, S("Bash")), 0);
	CHECK_INT(saker_strset_has(set, S("bashh")), 0);
	/* growth keeps every item */
	for (i = 0; i < 500; i++) {
		snprintf(many, sizeof(many), "item%d", i);
		saker_strset_add(set, many, (uint32_t)strlen(many));
	}
	for (i = 0; i < 500; i++) {
		snprintf(many, sizeof(many), "item%d", i);
		CHECK(saker_strset_has(set, S(many)));
	}
	CHECK_INT(saker_strset_has(set, S("item500")), 0);
	CHECK_INT(saker_strset_has(set, S("bash")), 1);
	saker_strset_free(set);
}

static void test_paths(void)
{
	struct saker_strset *set = saker_strset_new(SAKER_SET_PATHS);

	saker_strset_add(set, "/etc", 4);
	saker_strset_add(set, "/usr/lib/", 9);
	CHECK_INT(saker_strset_has(set, S("/etc")), 1);
	CHECK_INT(saker_strset_has(set, S("/etc/")), 1);
	CHECK_INT(saker_strset_has(set, S("/etc/passwd")), 1);
	CHECK_INT(saker_strset_has(set, S("/etc/ssh/sshd_config")), 1);
	CHECK_INT(saker_strset_has(set, S("/etcfoo")), 0);
	CHECK_INT(saker_strset_has(set, S("/et")), 0);
	CHECK_INT(saker_strset_has(set, S("/usr/lib/x.so")), 1);
	CHECK_INT(saker_strset_has(set, S("/usr/lib")), 1);
	CHECK_INT(saker_strset_has(set, S("/usr/libexec/x")), 0);
	CHECK_INT(saker_strset_has(set, S("/")), 0);
	CHECK_INT(saker_strset_has(set, S("relative/etc")), 0);
	saker_strset_free(set);

	set = saker_strset_new(SAKER_SET_PATHS);
	saker_strset_add(set, "/", 1);
	CHECK_INT(saker_strset_has(set, S("/anything/at/all")), 1);
	CHECK_INT(saker_strset_has(set, S("/")), 1);
	saker_strset_free(set);
}

static void test_strings(void)
{
	CHECK_INT(saker_match_contains(S("/usr/bin/python3"), "bin/py", 6), 1);
	CHECK_INT(saker_match_contains(S("/usr/bin/python3"), "Bin", 3), 0);
	CHECK_INT(saker_match_contains(S("abc"), "", 0), 1);
	CHECK_INT(saker_match_icontains(S("/usr/BIN/python3"), "bin/PY", 6), 1);
	CHECK_INT(saker_match_icontains(S("ab"), "abc", 3), 0);
	CHECK_INT(saker_match_endswith(S("/etc/shadow"), "shadow", 6), 1);
	CHECK_INT(saker_match_endswith(S("/etc/shadow"), "shado", 5), 0);
	CHECK_INT(saker_match_endswith(S("ow"), "shadow", 6), 0);
	/* bytes with NULs inside */
	CHECK_INT(saker_match_contains((const uint8_t *)"a\0b\x7f" "ELF", 7, "\x7f" "ELF", 4), 1);
}

static void test_glob(void)
{
	uint8_t buf[8] = { 'a', 'b', 'c', 'X', 'X' };

	CHECK_INT(saker_match_glob("/tmp/*", (const uint8_t *)"/tmp/x/y", 8, 0), 1);
	CHECK_INT(saker_match_glob("*.sh", S("run.sh"), 0), 1);
	CHECK_INT(saker_match_glob("*.sh", S("run.shx"), 0), 0);
	CHECK_INT(saker_match_glob("?ash", S("bash"), 0), 1);
	CHECK_INT(saker_match_glob("[bd]ash", S("dash"), 0), 1);
	CHECK_INT(saker_match_glob("[bd]ash", S("zash"), 0), 0);
	CHECK_INT(saker_match_glob("*.SH", S("run.sh"), 0), 0);
	/* iglob: case-insensitive */
	CHECK_INT(saker_match_glob("*.SH", (const uint8_t *)"run.sh", 6, 1), 1);
	/* a value without a NUL after it is matched on its length only */
	CHECK_INT(saker_match_glob("abc", buf, 3, 0), 1);
}

static void test_regex(void)
{
	char err[128];
	struct saker_regex *r = saker_regex_new("[a-z]+[0-9]?", err, sizeof(err));

	CHECK(r != NULL);
	CHECK_INT(saker_regex_match(r, S("python3")), 1);
	CHECK_INT(saker_regex_match(r, S("python")), 1);
	/* anchored at both ends */
	CHECK_INT(saker_regex_match(r, S("python33")), 0);
	CHECK_INT(saker_regex_match(r, S("/python3")), 0);
	saker_regex_free(r);
	r = saker_regex_new("a|b", err, sizeof(err));
	CHECK_INT(saker_regex_match(r, S("b")), 1);
	CHECK_INT(saker_regex_match(r, S("ab")), 0);
	saker_regex_free(r);
	CHECK(saker_regex_new("(unclosed", err, sizeof(err)) == NULL);
	CHECK(err[0] != 0);
}

static void test_ipnet(void)
{
	const uint8_t a[4] = { 10, 1, 2, 3 }, net[4] = { 10, 0, 0, 0 }, b[4] = { 11, 1, 2, 3 };
	const uint8_t c[4] = { 192, 168, 1, 200 }, net2[4] = { 192, 168, 1, 128 };
	uint8_t v6[16] = { 0xfe, 0x80 }, n6[16] = { 0xfe, 0x80 };

	CHECK_INT(saker_match_ipnet(a, 4, net, 4, 8), 1);
	CHECK_INT(saker_match_ipnet(b, 4, net, 4, 8), 0);
	CHECK_INT(saker_match_ipnet(a, 4, net, 4, 32), 0);
	CHECK_INT(saker_match_ipnet(a, 4, a, 4, 32), 1);
	CHECK_INT(saker_match_ipnet(c, 4, net2, 4, 25), 1);
	CHECK_INT(saker_match_ipnet(c, 4, net2, 4, 26), 0);
	CHECK_INT(saker_match_ipnet(a, 4, n6, 16, 10), 0);
	v6[15] = 1;
	CHECK_INT(saker_match_ipnet(v6, 16, n6, 16, 64), 1);
}

static void test_xform(void)
{
	uint8_t buf[64];
	struct saker_val in = { (const uint8_t *)"/usr/Bin/Bash", 0, 13, SAKER_FT_PATH }, out;

	CHECK_INT(saker_xform(SAKER_XF_TOLOWER, &in, &out, buf, sizeof(buf)), 1);
	CHECK_INT(out.len, 13);
	CHECK_STR((const char *)out.s, "/usr/bin/bash");
	CHECK_INT(saker_xform(SAKER_XF_TOUPPER, &in, &out, buf, sizeof(buf)), 1);
	CHECK_STR((const char *)out.s, "/USR/BIN/BASH");
	CHECK_INT(saker_xform(SAKER_XF_BASENAME, &in, &out, buf, sizeof(buf)), 1);
	CHECK_INT(out.len, 4);
	CHECK(memcmp(out.s, "Bash", 4) == 0);
	CHECK_INT(saker_xform(SAKER_XF_LEN, &in, &out, buf, sizeof(buf)), 1);
	CHECK_INT(out.n, 13);
	in.s = (const uint8_t *)"aGVsbG8gd29ybGQ=";
	in.len = 16;
	CHECK_INT(saker_xform(SAKER_XF_B64, &in, &out, buf, sizeof(buf)), 1);
	CHECK_STR((const char *)out.s, "hello world");
	in.s = (const uint8_t *)"not*base64";
	in.len = 10;
	CHECK_INT(saker_xform(SAKER_XF_B64, &in, &out, buf, sizeof(buf)), 0);
	/* in place, as the generated code does it */
	in.s = (const uint8_t *)"ABC";
	in.len = 3;
	CHECK_INT(saker_xform(SAKER_XF_TOLOWER, &in, &in, buf, sizeof(buf)), 1);
	CHECK_STR((const char *)in.s, "abc");
}

int main(void)
{
	test_sets();
	test_paths();
	test_strings();
	test_glob();
	test_regex();
	test_ipnet();
	test_xform();
	return check_done();
}
