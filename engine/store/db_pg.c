/*
 * store/db_pg.c — the SQL driver over libpq: a store in a PostgreSQL database named by a
 * postgresql:// URI (libpq's syntax).  ?N parameters become $N; integers are sent as int8 text,
 * text as text of a type the server infers from where it stands (so that "1" goes into a BIGINT
 * column as it goes into SQLite's INTEGER one), blobs as bytea in binary; results come back as
 * text, bytea decoded from hex.  A statement runs at its first step and its rows are read from
 * the result; a scan (yh_db_prepare_scan) is a cursor read in batches of SCAN_BATCH rows, so
 * that a register of millions of rows never sits in memory whole.  Each query's snapshot is
 * taken when it starts (a cursor's when it is declared), so a scan never meets the rows
 * written beside it, as SQLite's scans do not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "sqlite.h"
#include "db_pg.h"
#include "error.h"

/* pg_type.h's OIDs, stable since PostgreSQL 7 */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20

/* Rows per FETCH of a scan's cursor. */
#define SCAN_BATCH 8192

typedef struct {
	yh_pg_type type;
	const char *value;   /* what libpq sends: owned when text or int, or copied */
	int len;
	char *owned;
	int nul;             /* 1: text holding a NUL byte (PostgreSQL's text cannot); -1: no memory */
} param;

struct yh_pg_stmt {
	yh_store *store;
	char *sql;           /* with $N */
	int nparams;
	param *params;
	PGresult *res;
	int executed, row, nrows, ncols;
	int scan;            /* read through a cursor */
	int cursor_open, more; /* the cursor is declared; it may hold rows not fetched yet */
	int failed;          /* the failure of its execution or last fetch, until a reset */
	char cursor[24];
	unsigned char **decoded; /* the current row's bytea columns, decoded; per column */
	size_t *decoded_len;
};

static PGconn *conn_of(yh_store *store)
{
	return store->pg;
}

/* Keeps the server's message, without its "ERROR:  " and trailing newline. */
static void keep_message(yh_store *store, const PGresult *res)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	size_t n;

	if (!m)
		m = PQerrorMessage(conn_of(store));
	if (strncmp(m, "ERROR:  ", 8) == 0)
		m += 8;
	free(store->message);
	store->message = strdup(m);
	if (store->message && (n = strlen(store->message)) > 0 && store->message[n - 1] == '\n')
		store->message[n - 1] = '\0';
}

static void set_message(yh_store *store, const char *m)
{
	free(store->message);
	store->message = strdup(m);
}

/* The length of "password=" or "sslpassword=" (the client key's passphrase) when a parameter
 * of a URI's query starts at p with one, else 0. */
static size_t secret_key(const char *uri, const char *p)
{
	if (p != uri && p[-1] != '?' && p[-1] != '&')
		return 0;
	return strncmp(p, "password=", 9) == 0 ? 9 : strncmp(p, "sslpassword=", 12) == 0 ? 12 : 0;
}

/* The URI as messages show it: a password in it replaced by "***". */
static char *redacted(const char *uri)
{
	/* "***" may stand for less than three bytes: an empty password= grows by 3 in its 9 */
	char *out = malloc(2 * strlen(uri) + 8), *w = out;
	const char *p = uri, *at = NULL, *hosts = strstr(uri, "://"), *colon, *end;

	if (!out)
		return NULL;
	hosts = hosts ? hosts + 3 : uri;
	/* libpq takes the user part up to an '@' before any '/', a '?' or '#' in it included */
	end = hosts + strcspn(hosts, "/");
	for (colon = hosts; colon < end; colon++)
		if (*colon == '@')
			at = colon;
	colon = at ? memchr(hosts, ':', (size_t)(at - hosts)) : NULL;
	while (*p) {
		size_t k;

		if (colon && p == colon + 1) {
			w += sprintf(w, "***");
			p = at;
			continue;
		}
		if ((k = secret_key(uri, p))) {
			w += sprintf(w, "%.*s***", (int)k, p);
			p += k + strcspn(p + k, "&");
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
	return out;
}

/* Every copy of s[0..n) in the store's message replaced by "***". */
static void mask(yh_store *store, const char *s, size_t n)
{
	char *m = store->message, *out, *w;

	if (!m || !n || !(out = malloc(strlen(m) * 3 + 1)))
		return;
	for (w = out; *m;) {
		if (strncmp(m, s, n) == 0) {
			w += sprintf(w, "***");
			m += n;
		} else {
			*w++ = *m++;
		}
	}
	*w = '\0';
	free(store->message);
	store->message = out;
}

/* libpq's message on a URI it refuses may quote the URI, or a token of it, whole: the
 * passwords in it (the user part's, password=, sslpassword=) are masked wherever they appear. */
static void mask_passwords(yh_store *store, const char *uri)
{
	const char *p, *at = NULL, *hosts = strstr(uri, "://"), *colon, *end;
	size_t k;

	hosts = hosts ? hosts + 3 : uri;
	end = hosts + strcspn(hosts, "/");
	for (colon = hosts; colon < end; colon++)
		if (*colon == '@')
			at = colon;
	if (at && (colon = memchr(hosts, ':', (size_t)(at - hosts))))
		mask(store, colon + 1, (size_t)(at - colon - 1));
	for (p = uri; *p; p++)
		if ((k = secret_key(uri, p)))
			mask(store, p + k, strcspn(p + k, "&"));
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* notices (e.g. "relation exists, skipping") are not the user's business */
}

int yh_pg_connect(yh_store *store, const char **what)
{
	char *shown = redacted(store->path);
	PGconn *c;

	if (!shown)
		return yh_error_set(YH_ENOMEM, "out of memory");
	c = PQconnectdb(store->path);
	store->pg = c;
	if (c && PQstatus(c) != CONNECTION_OK) {
		keep_message(store, NULL);
		mask_passwords(store, store->path);
	}
	free(store->path);
	store->path = shown;
	if (!c)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (PQstatus(c) != CONNECTION_OK) {
		*what = "cannot open the store";
		return YH_DB_ERROR;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	/* bytes in and out as they are: UTF-8 both sides, bytea as hex (decoded here); a writer
	 * waits for another as long as SQLite's busy timeout, then gives up (yh_store_begin) */
	if (PQsetClientEncoding(c, "UTF8") != 0 ||
	    yh_pg_exec(store, "SET bytea_output = 'hex'; SET TIME ZONE 'UTC'; "
	               "SET lock_timeout = '10s'") < 0) {
		*what = "cannot set up the connection";
		return YH_DB_ERROR;
	}
	return YH_OK;
}

void yh_pg_disconnect(yh_store *store)
{
	if (store->pg)
		PQfinish(conn_of(store));
	store->pg = NULL;
	free(store->copy_buf);
	store->copy_buf = NULL;
	free(store->stale);
	store->stale = NULL;
}

/* Closes a cursor if it is still there (a rollback drops a cursor declared in its transaction),
 * so that the CLOSE never fails, which would abort a transaction.  Not in a failed transaction,
 * where every statement fails. */
static void close_cursor(PGconn *c, const char *name)
{
	PGresult *r = PQexecParams(c, "SELECT 1 FROM pg_cursors WHERE name = $1", 1, NULL, &name,
	                           NULL, NULL, 0);

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		char sql[40];

		snprintf(sql, sizeof(sql), "CLOSE %s", name);
		PQclear(PQexec(c, sql));
	}
	PQclear(r);
}

/* A cursor reset in a failed transaction: closed once the transaction is over, since a held
 * cursor declared before it outlives its rollback.  Without memory it stays to the disconnect. */
static void close_later(yh_store *store, const char *name)
{
	size_t n = store->stale ? strlen(store->stale) : 0, k = strlen(name);
	char *p = realloc(store->stale, n + k + 2);

	if (!p)
		return;
	memcpy(p + n, name, k);
	p[n + k] = ' ';
	p[n + k + 1] = '\0';
	store->stale = p;
}

static void close_stale(yh_store *store)
{
	PGconn *c = conn_of(store);
	char *names = store->stale, *name, *save = NULL;

	if (!names || PQtransactionStatus(c) == PQTRANS_INERROR)
		return;
	store->stale = NULL;
	for (name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save))
		close_cursor(c, name);
	free(names);
}

int yh_pg_exec(yh_store *store, const char *sql)
{
	PGresult *res = PQexec(conn_of(store), sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = YH_OK;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		keep_message(store, res);
		rc = YH_DB_ERROR;
	} else if (strncasecmp(sql, "COMMIT", 6) == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		/* a failed transaction's COMMIT is answered ROLLBACK, not an error: nothing was kept */
		set_message(store, "the transaction was rolled back: a statement in it had failed");
		rc = YH_DB_ERROR;
	}
	PQclear(res);
	close_stale(store);
	return rc;
}

int yh_pg_in_transaction(yh_store *store)
{
	return PQtransactionStatus(conn_of(store)) != PQTRANS_IDLE;
}

/* ?N -> $N outside quotes; the number of parameters is the largest N. */
static int translate(yh_pg_stmt *st, const char *sql)
{
	size_t n = strlen(sql);
	char *out = malloc(n + 1), *w = out, quote = 0;
	const char *p;

	if (!out)
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
			int v = atoi(p + 1);

			if (v > st->nparams)
				st->nparams = v;
			*w++ = '$';
			continue;
		}
		*w++ = *p;
	}
	*w = '\0';
	st->sql = out;
	return YH_OK;
}

int yh_pg_prepare(yh_pg_stmt **out, yh_store *store, const char *sql, int scan)
{
	yh_pg_stmt *st = calloc(1, sizeof(*st));

	*out = NULL;
	if (!st || translate(st, sql) < 0 ||
	    (st->nparams && !(st->params = calloc((size_t)st->nparams, sizeof(*st->params))))) {
		set_message(store, "out of memory");
		yh_pg_finalize(st);
		return -1;
	}
	st->store = store;
	st->row = -1;
	st->scan = scan;
	*out = st;
	return YH_OK;
}

static void clear_row(yh_pg_stmt *st)
{
	int c;

	if (!st->decoded)
		return;
	for (c = 0; c < st->ncols; c++) {
		free(st->decoded[c]);
		st->decoded[c] = NULL;
	}
}

/* Frees the current batch's result and its decoded columns. */
static void drop_result(yh_pg_stmt *st)
{
	clear_row(st);
	free(st->decoded);
	free(st->decoded_len);
	st->decoded = NULL;
	st->decoded_len = NULL;
	PQclear(st->res);
	st->res = NULL;
	st->nrows = st->ncols = 0;
}

void yh_pg_reset(yh_pg_stmt *st)
{
	if (st->cursor_open) {
		if (PQtransactionStatus(conn_of(st->store)) == PQTRANS_INERROR)
			close_later(st->store, st->cursor);
		else
			close_cursor(conn_of(st->store), st->cursor);
		st->cursor_open = 0;
	}
	close_stale(st->store);
	st->more = 0;
	st->failed = 0;
	drop_result(st);
	st->executed = 0;
	st->row = -1;
	st->nrows = st->ncols = 0;
}

void yh_pg_finalize(yh_pg_stmt *st)
{
	int i;

	if (!st)
		return;
	yh_pg_reset(st);
	for (i = 0; i < st->nparams && st->params; i++)
		free(st->params[i].owned);
	free(st->params);
	free(st->sql);
	free(st);
}

static param *slot(yh_pg_stmt *st, int i)
{
	param *p;

	if (i < 1 || i > st->nparams)
		return NULL;
	p = &st->params[i - 1];
	free(p->owned);
	memset(p, 0, sizeof(*p));
	return p;
}

void yh_pg_bind(yh_pg_stmt *st, int i, yh_pg_type type, const void *v, size_t len, int copy)
{
	param *p = slot(st, i);

	if (!p)
		return;
	p->type = type;
	if (type == YH_PG_NULL)
		return;
	if (type == YH_PG_TEXT) {
		/* sent in text form, which ends at a NUL: always a copy */
		p->nul = len && memchr(v, 0, len) != NULL;
		copy = 1;
	}
	p->len = (int)len;
	if (copy) {
		if (!(p->owned = malloc(len + 1))) {
			p->type = YH_PG_NULL;
			p->nul = -1;
			return;
		}
		if (len)
			memcpy(p->owned, v, len);
		p->owned[len] = '\0';
		p->value = p->owned;
	} else {
		p->value = v;
	}
}

void yh_pg_bind_int64(yh_pg_stmt *st, int i, int64_t v)
{
	param *p = slot(st, i);

	if (!p)
		return;
	if (!(p->owned = malloc(24))) {
		p->nul = -1; /* the step fails, out of memory */
		return;
	}
	p->type = YH_PG_INT8;
	p->len = snprintf(p->owned, 24, "%lld", (long long)v);
	p->value = p->owned;
}

static int fetch(yh_pg_stmt *st);
static int take_result(yh_pg_stmt *st);

static int execute(yh_pg_stmt *st)
{
	const char *values[st->nparams ? st->nparams : 1];
	int lengths[st->nparams ? st->nparams : 1], formats[st->nparams ? st->nparams : 1], i;
	Oid types[st->nparams ? st->nparams : 1];

	for (i = 0; i < st->nparams; i++) {
		const param *p = &st->params[i];

		if (p->nul) {
			set_message(st->store, p->nul < 0 ? "out of memory"
			            : "a text value holds a NUL byte, which PostgreSQL's text cannot");
			return YH_DB_ERROR;
		}
		values[i] = p->type == YH_PG_NULL ? NULL : p->value;
		lengths[i] = p->len;
		formats[i] = p->type == YH_PG_BLOB;
		types[i] = p->type == YH_PG_BLOB ? OID_BYTEA : p->type == YH_PG_INT8 ? OID_INT8 : 0;
	}
	st->executed = 1;
	if (st->scan) {
		/* WITH HOLD: the cursor outlives a commit made while it is read */
		size_t n = strlen(st->sql) + 80;
		char *declare = malloc(n);

		if (!declare) {
			set_message(st->store, "out of memory");
			return YH_DB_ERROR;
		}
		snprintf(st->cursor, sizeof(st->cursor), "yh_scan_%u", ++st->store->cursors);
		snprintf(declare, n, "DECLARE %s NO SCROLL CURSOR WITH HOLD FOR %s", st->cursor, st->sql);
		st->res = PQexecParams(conn_of(st->store), declare, st->nparams, types, values, lengths,
		                       formats, 0);
		free(declare);
		if (PQresultStatus(st->res) != PGRES_COMMAND_OK) {
			keep_message(st->store, st->res);
			return YH_DB_ERROR;
		}
		st->cursor_open = 1;
		return fetch(st);
	}
	st->res = PQexecParams(conn_of(st->store), st->sql, st->nparams, types, values, lengths,
	                       formats, 0);
	return take_result(st);
}

/* The next batch of a scan's cursor. */
static int fetch(yh_pg_stmt *st)
{
	char sql[64];

	drop_result(st);
	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM %s", SCAN_BATCH, st->cursor);
	st->res = PQexec(conn_of(st->store), sql);
	st->row = -1;
	if (take_result(st) < 0)
		return YH_DB_ERROR;
	st->more = st->nrows == SCAN_BATCH;
	return YH_OK;
}

/* A statement's result: its rows, or the rows it changed, or its failure. */
static int take_result(yh_pg_stmt *st)
{
	ExecStatusType s = PQresultStatus(st->res);
	const char *sqlstate;

	if (s == PGRES_TUPLES_OK) {
		st->decoded = calloc((size_t)PQnfields(st->res) + 1, sizeof(*st->decoded));
		st->decoded_len = calloc((size_t)PQnfields(st->res) + 1, sizeof(*st->decoded_len));
		if (!st->decoded || !st->decoded_len) {
			/* no rows to read: each would be decoded into the arrays that are missing */
			drop_result(st);
			set_message(st->store, "out of memory");
			return YH_DB_ERROR;
		}
		st->nrows = PQntuples(st->res);
		st->ncols = PQnfields(st->res);
		return YH_OK;
	}
	if (s == PGRES_COMMAND_OK) {
		st->store->changes = strtoull(PQcmdTuples(st->res), NULL, 10);
		return YH_OK;
	}
	keep_message(st->store, st->res);
	sqlstate = PQresultErrorField(st->res, PG_DIAG_SQLSTATE);
	return sqlstate && strncmp(sqlstate, "23", 2) == 0 ? YH_DB_CONSTRAINT : YH_DB_ERROR;
}

int yh_pg_step(yh_pg_stmt *st)
{
	int rc;

	if (st->failed) /* stepped again after a failure: it stands until the reset */
		return st->failed;
	if (!st->executed && (rc = execute(st)) != YH_OK)
		return st->failed = rc;
	clear_row(st);
	if (st->row + 1 >= st->nrows && st->more && (rc = fetch(st)) != YH_OK)
		return st->failed = rc;
	if (st->row + 1 >= st->nrows) {
		st->row = st->nrows;
		return YH_DB_DONE;
	}
	st->row++;
	return YH_DB_ROW;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A bytea column's bytes ("\x" and hex), decoded once per row, NUL-terminated. */
static const unsigned char *decode(yh_pg_stmt *st, int col, const char *text)
{
	size_t n = strlen(text), i;
	unsigned char *out;

	if (st->decoded[col])
		return st->decoded[col];
	if (n < 2 || text[0] != '\\' || text[1] != 'x' || (n & 1))
		return NULL;
	if (!(out = malloc((n - 2) / 2 + 1)))
		return NULL;
	for (i = 0; i < (n - 2) / 2; i++) {
		int hi = hexval(text[2 + 2 * i]), lo = hexval(text[3 + 2 * i]);

		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	out[i] = '\0';
	st->decoded[col] = out;
	st->decoded_len[col] = i;
	return out;
}

const void *yh_pg_value(yh_pg_stmt *st, int col)
{
	const char *v;

	if (!st->res || st->row < 0 || st->row >= st->nrows || col < 0 || col >= st->ncols ||
	    PQgetisnull(st->res, st->row, col))
		return NULL;
	v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) == OID_BYTEA)
		return decode(st, col, v);
	return v;
}

size_t yh_pg_bytes(yh_pg_stmt *st, int col)
{
	if (!yh_pg_value(st, col))
		return 0;
	if (PQftype(st->res, col) == OID_BYTEA)
		return st->decoded_len[col];
	return (size_t)PQgetlength(st->res, st->row, col);
}

int64_t yh_pg_int64(yh_pg_stmt *st, int col)
{
	const char *v = yh_pg_value(st, col);

	if (!v)
		return 0;
	if (PQftype(st->res, col) == OID_BOOL)
		return v[0] == 't';
	return (int64_t)strtoll(v, NULL, 10);
}

/* ---- COPY ... FROM STDIN (text format): rows sent as they come inside a COPY, or kept and
 * sent by one COPY at yh_pg_copy_flush ---- */

#define COPY_CHUNK (256 << 10)

static int copy_send(yh_store *store)
{
	if (store->copy_len && PQputCopyData(conn_of(store), store->copy_buf, (int)store->copy_len) != 1) {
		keep_message(store, NULL);
		return YH_DB_ERROR;
	}
	store->copy_len = 0;
	return YH_OK;
}

int yh_pg_copy_begin(yh_store *store, const char *sql)
{
	PGresult *res = PQexec(conn_of(store), sql);
	int ok = PQresultStatus(res) == PGRES_COPY_IN;

	if (!ok)
		keep_message(store, res);
	PQclear(res);
	store->copy_len = 0;
	return ok ? YH_OK : YH_DB_ERROR;
}

int yh_pg_copy_field(yh_store *store, const char *value, size_t len, int last)
{
	size_t i;

	/* at worst every byte escaped, and the separator */
	if (store->copy_len + 2 * len + 1 > store->copy_cap) {
		size_t cap = store->copy_cap ? store->copy_cap : COPY_CHUNK;
		char *p;

		while (cap < store->copy_len + 2 * len + 1)
			cap *= 2;
		if (!(p = realloc(store->copy_buf, cap))) {
			set_message(store, "out of memory");
			return YH_DB_ERROR;
		}
		store->copy_buf = p;
		store->copy_cap = cap;
	}
	for (i = 0; i < len; i++) {
		char c = value[i];
		char e = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;

		if (c == '\0') {
			set_message(store, "a text value holds a NUL byte, which PostgreSQL's text cannot");
			return YH_DB_ERROR;
		}
		if (e) {
			store->copy_buf[store->copy_len++] = '\\';
			store->copy_buf[store->copy_len++] = e;
		} else {
			store->copy_buf[store->copy_len++] = c;
		}
	}
	store->copy_buf[store->copy_len++] = last ? '\n' : '\t';
	/* sent as it goes in a COPY; kept for yh_pg_copy_flush outside one */
	if (last && store->copy_len >= COPY_CHUNK && PQtransactionStatus(conn_of(store)) == PQTRANS_ACTIVE)
		return copy_send(store);
	return YH_OK;
}

int yh_pg_copy_flush(yh_store *store, const char *sql)
{
	PGresult *res;

	if (!store->copy_len)
		return YH_OK;
	res = PQexec(conn_of(store), sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		keep_message(store, res);
		PQclear(res);
		store->copy_len = 0;
		return YH_DB_ERROR;
	}
	PQclear(res);
	return yh_pg_copy_end(store, 0);
}

void yh_pg_copy_discard(yh_store *store)
{
	store->copy_len = 0;
}

int yh_pg_copy_end(yh_store *store, int abort)
{
	PGconn *c = conn_of(store);
	PGresult *res;
	int rc = abort ? YH_OK : copy_send(store);

	if (PQputCopyEnd(c, abort || rc < 0 ? "yaohao gave the rows up" : NULL) != 1 && rc == YH_OK) {
		keep_message(store, NULL);
		rc = YH_DB_ERROR;
	}
	while ((res = PQgetResult(c))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == YH_OK && !abort) {
			keep_message(store, res);
			rc = YH_DB_ERROR;
		}
		PQclear(res);
	}
	store->copy_len = 0;
	return rc;
}
