/* test_digest.c — engine/digest.c: every hash of docs/spec.md, computed by the engine's
 * SHA-256 (OpenSSL's libcrypto), against libsodium's crypto_hash_sha256 over the same bytes
 * laid out here from the spec.  Random inputs of every length up to 300 bytes and the exact
 * ticket, leaf and node shapes: two implementations that disagree anywhere fail the suite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "digest.h"
#include "testutil.h"

#define MAXLEN 300
#define TRIES 8 /* random inputs per length */

/* The reference: libsodium over the concatenated bytes, in one call. */
typedef struct {
	unsigned char buf[4096];
	size_t len;
} msg;

static void put(msg *m, const void *p, size_t n)
{
	TU_REQUIRE(m->len + n <= sizeof(m->buf), "reference message too long");
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

static void put_u32(msg *m, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
	                       (unsigned char)(v >> 8), (unsigned char)v };

	put(m, b, 4);
}

static void put_tag(msg *m, const char *tag) /* TAG(): the ASCII bytes and 0x00 */
{
	put(m, tag, strlen(tag) + 1);
}

static void put_pad32(msg *m, const char *tag) /* PAD32(): zero bytes up to 32 */
{
	unsigned char pad[32] = { 0 };

	memcpy(pad, tag, strlen(tag));
	put(m, pad, 32);
}

static void ref(unsigned char out[32], const msg *m)
{
	crypto_hash_sha256(out, m->buf, m->len);
}

static void same(const unsigned char got[32], const unsigned char want[32], const char *what,
                 const void *input, size_t len)
{
	char g[65], w[65], in[2 * MAXLEN + 1];

	if (memcmp(got, want, 32) == 0)
		return;
	sodium_bin2hex(g, sizeof(g), got, 32);
	sodium_bin2hex(w, sizeof(w), want, 32);
	sodium_bin2hex(in, sizeof(in), input, len < MAXLEN ? len : MAXLEN);
	ck_abort_msg("%s of %zu bytes: libcrypto %s, libsodium %s (input %s)", what, len, g, w, in);
}

/* Random text of len bytes with no NUL: ids are C strings. */
static void random_text(char *s, size_t len)
{
	size_t i;

	randombytes_buf(s, len);
	for (i = 0; i < len; i++)
		if (s[i] == 0)
			s[i] = (char)(1 + randombytes_uniform(255));
	s[len] = '\0';
}

/* Both libraries agree on FIPS 180-4's own example: neither is wrong in the same way. */
START_TEST(test_known_answer)
{
	static const unsigned char abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
	};
	unsigned char a[32], b[32];

	yh_digest_transcript(a, "abc", 3);
	crypto_hash_sha256(b, (const unsigned char *)"abc", 3);
	ck_assert_mem_eq(a, abc, 32);
	ck_assert_mem_eq(b, abc, 32);
	yh_digest_empty(a);
	crypto_hash_sha256(b, (const unsigned char *)"", 0);
	ck_assert_mem_eq(a, b, 32);
}
END_TEST

/* Plain SHA-256 (§11 transcript) and RFC 6962 leaves (§2), every length 0..300. */
START_TEST(test_plain_and_leaf)
{
	unsigned char data[MAXLEN], got[32], want[32];
	size_t len;
	int k;

	for (len = 0; len <= MAXLEN; len++)
		for (k = 0; k < TRIES; k++) {
			msg m = { .len = 0 };

			randombytes_buf(data, len);
			yh_digest_transcript(got, (const char *)data, len);
			crypto_hash_sha256(want, data, len);
			same(got, want, "SHA-256", data, len);

			put(&m, "\x00", 1);
			put(&m, data, len);
			yh_digest_leaf(got, data, len);
			ref(want, &m);
			same(got, want, "leaf", data, len);
		}
}
END_TEST

/* §2 nodes: 0x01 || left || right, 65 bytes. */
START_TEST(test_node)
{
	unsigned char lr[64], got[32], want[32];
	int k;

	for (k = 0; k < 2000; k++) {
		msg m = { .len = 0 };

		randombytes_buf(lr, 64);
		put(&m, "\x01", 1);
		put(&m, lr, 64);
		yh_digest_node(got, lr, lr + 32);
		ref(want, &m);
		same(got, want, "node", lr, 64);
	}
}
END_TEST

/* §8, §9: tickets from the midstate of seed || PAD32(tag), for tails of every length, and
 * the exact shapes: an 18-character credit code, u32(L) || an officer id, e || o. */
START_TEST(test_tickets)
{
	char id[MAXLEN + 1], officer[MAXLEN + 1];
	unsigned char seed[32], got[32], want[32];
	yh_ticketer tk;
	size_t len;
	int k;

	for (len = 0; len <= MAXLEN; len++)
		for (k = 0; k < TRIES; k++) {
			msg m = { .len = 0 };
			uint32_t level = randombytes_random();

			randombytes_buf(seed, 32);
			yh_ticketer_init(&tk, seed);
			random_text(id, len);
			random_text(officer, (len * 7 + (size_t)k) % (MAXLEN + 1));

			put(&m, seed, 32);
			put_pad32(&m, "yaohao:ticket:v2");
			put(&m, id, len);
			yh_ticket(got, &tk, id);
			ref(want, &m);
			same(got, want, "ticket", m.buf, m.len);

			m.len = 0;
			put(&m, seed, 32);
			put_pad32(&m, "yaohao:officer:v2");
			put_u32(&m, level);
			put(&m, id, len);
			yh_officer_ticket(got, &tk, level, id);
			ref(want, &m);
			same(got, want, "officer ticket", m.buf, m.len);

			m.len = 0;
			put(&m, seed, 32);
			put_pad32(&m, "yaohao:pair:v2");
			put(&m, id, len);
			put(&m, officer, strlen(officer));
			yh_pair_ticket(got, &tk, id, officer);
			ref(want, &m);
			same(got, want, "pair ticket", m.buf, m.len);
		}
}
END_TEST

START_TEST(test_ticket_shapes)
{
	char id[19], officer[15];
	unsigned char seed[32], got[32], want[32];
	yh_ticketer tk;
	int k;

	randombytes_buf(seed, 32);
	yh_ticketer_init(&tk, seed);
	for (k = 0; k < 5000; k++) {
		msg m = { .len = 0 };
		uint32_t level = randombytes_uniform(8);

		random_text(id, 18);
		random_text(officer, 14);
		put(&m, seed, 32);
		put_pad32(&m, "yaohao:ticket:v2");
		put(&m, id, 18);
		yh_ticket(got, &tk, id);
		ref(want, &m);
		same(got, want, "ticket (credit code)", m.buf, m.len);

		m.len = 0;
		put(&m, seed, 32);
		put_pad32(&m, "yaohao:officer:v2");
		put_u32(&m, level);
		put(&m, officer, 14);
		yh_officer_ticket(got, &tk, level, officer);
		ref(want, &m);
		same(got, want, "officer ticket (officer id)", m.buf, m.len);

		m.len = 0;
		put(&m, seed, 32);
		put_pad32(&m, "yaohao:pair:v2");
		put(&m, id, 18);
		put(&m, officer, 14);
		yh_pair_ticket(got, &tk, id, officer);
		ref(want, &m);
		same(got, want, "pair ticket (credit code, officer id)", m.buf, m.len);
	}
}
END_TEST

/* §3, §6, §7, §11, §15: the tagged hashes, with texts of every length 0..300. */
START_TEST(test_tagged)
{
	char text[MAXLEN + 1];
	unsigned char a[32], b[32], got[32], want[32], pk[32];
	char hex[17], want_hex[17];
	size_t len;
	int k;

	for (len = 0; len <= MAXLEN; len++)
		for (k = 0; k < TRIES; k++) {
			msg m = { .len = 0 };
			yh_ledger_entry e;

			random_text(text, len);
			randombytes_buf(a, 32);
			randombytes_buf(b, 32);

			put_tag(&m, "yaohao:task:v1");
			put(&m, text, len);
			yh_digest_task(got, text);
			ref(want, &m);
			same(got, want, "task digest", m.buf, m.len);

			m.len = 0;
			put_tag(&m, "yaohao:announcement:v2");
			put(&m, text, len);
			yh_digest_announcement(got, text);
			ref(want, &m);
			same(got, want, "announcement digest", m.buf, m.len);

			m.len = 0;
			put_tag(&m, "yaohao:commit:v1");
			put(&m, a, 32);
			yh_commitment(got, a);
			ref(want, &m);
			same(got, want, "commitment", m.buf, m.len);

			m.len = 0;
			put_tag(&m, "yaohao:seed:v2");
			put(&m, a, 32);
			put(&m, b, 32);
			put_u32(&m, (uint32_t)len);
			put(&m, text, len);
			yh_seed_derive(got, a, b, text);
			ref(want, &m);
			same(got, want, "seed", m.buf, m.len);

			memset(&e, 0, sizeof(e));
			e.seq = ((uint64_t)randombytes_random() << 20) | len;
			e.prev_hash = a;
			e.kind = text + len / 2;
			e.payload = text;
			m.len = 0;
			put_tag(&m, "yaohao:ledger-entry:v1");
			put_u32(&m, (uint32_t)(e.seq >> 32));
			put_u32(&m, (uint32_t)e.seq);
			put(&m, a, 32);
			put_u32(&m, (uint32_t)strlen(e.kind));
			put(&m, e.kind, strlen(e.kind));
			put_u32(&m, (uint32_t)len);
			put(&m, text, len);
			yh_ledger_hash(got, &e);
			ref(want, &m);
			same(got, want, "ledger entry hash", m.buf, m.len);
		}
	for (k = 0; k < 1000; k++) {
		randombytes_buf(pk, 32);
		yh_digest_key_id(hex, pk);
		crypto_hash_sha256(want, pk, 32);
		sodium_bin2hex(want_hex, sizeof(want_hex), want, 8);
		ck_assert_str_eq(hex, want_hex);
	}
}
END_TEST

/* §11 an import's file hash, fed in pieces of random sizes as the CSV reader reads. */
START_TEST(test_file_stream)
{
	static unsigned char data[70000];
	unsigned char got[32], want[32];
	int k;

	for (k = 0; k < 200; k++) {
		size_t len = k < 100 ? (size_t)k * 3 : randombytes_uniform(sizeof(data)), off = 0;
		yh_digest_file f;

		randombytes_buf(data, len);
		yh_digest_file_init(&f);
		while (off < len) {
			size_t n = 1 + randombytes_uniform((uint32_t)(k % 2 ? 200 : 9000));

			n = n > len - off ? len - off : n;
			yh_digest_file_update(&f, data + off, n);
			off += n;
		}
		yh_digest_file_final(&f, got);
		crypto_hash_sha256(want, data, len);
		same(got, want, "file", data, len);
	}
}
END_TEST

static Suite *digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tu_tcase(s, "digest", 0, 120);

	tcase_add_test(tc, test_known_answer);
	tcase_add_test(tc, test_plain_and_leaf);
	tcase_add_test(tc, test_node);
	tcase_add_test(tc, test_tickets);
	tcase_add_test(tc, test_ticket_shapes);
	tcase_add_test(tc, test_tagged);
	tcase_add_test(tc, test_file_stream);
	return s;
}

TU_MAIN(digest_suite)
