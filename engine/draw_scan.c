/*
 * draw_scan.c — the draw's scan on both cores.  One thread reads the entities upward from the
 * first id on the draw's connection, a second reads them downward from the last on a second
 * read connection, both into one selector (each hashes its rows; the heaps are shared behind
 * a lock that only the few rows that may enter take: select.c), and they stop where they
 * meet.  SQLite's reading of the rows is most of a draw's time, and one connection is
 * one thread: two connections read the two halves at once.
 *
 * Which rows each side takes depends on timing; the selection does not: each heap keeps the
 * lowest (ticket, id) pairs it is shown, and every eligible row is taken exactly once.  Each
 * side gathers CLAIM_ROWS rows, then under the lock takes those the other side has not
 * reached (below its lowest id taken, for the upward side) and moves its own mark; a side
 * that finds a row the other has taken stops.  The claims are serialised, the marks only move
 * toward each other, so no id is taken twice; each side reads on from where it took the last,
 * so none is missed.  The strata's counts, checked against the commitment afterwards, would
 * show either.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw_scan.h"
#include "keyed_root.h" /* YH_KEY_MAX */
#include "error.h"

#define CLAIM_ROWS 512

typedef struct {
	pthread_mutex_t lock;
	char mark[2][YH_KEY_MAX];    /* [0]: up has taken every id <= it; [1]: down every id >= it */
	int marked[2];
	uint64_t taken[2];           /* rows, for the progress */
} meeting;

typedef struct {
	meeting *m;
	int side;                    /* 0: upward, 1: downward */
	yh_selector *sel;
	struct {
		char id[YH_KEY_MAX];
		size_t stratum;
	} rows[CLAIM_ROWS];
	size_t n;
	uint64_t *seen;              /* rows taken per stratum, added to the selector at the end */
	int met;
} scanner;

/* Takes the gathered rows the other side has not; 1 when the two have met. */
static int claim(scanner *sc)
{
	meeting *m = sc->m;
	int other = !sc->side, rc;
	size_t ok = sc->n, i;
	uint64_t before, after;

	pthread_mutex_lock(&m->lock);
	if (m->marked[other])
		for (ok = 0; ok < sc->n; ok++) {
			int c = strcmp(sc->rows[ok].id, m->mark[other]);

			if (sc->side == 0 ? c >= 0 : c <= 0)
				break;
		}
	if (ok < sc->n) {
		/* the other side has the rest: all between the marks is taken */
		sc->met = 1;
		memcpy(m->mark[sc->side], m->mark[other], YH_KEY_MAX);
		m->marked[sc->side] = 1;
	} else if (sc->n) {
		memcpy(m->mark[sc->side], sc->rows[sc->n - 1].id, YH_KEY_MAX);
		m->marked[sc->side] = 1;
	}
	before = m->taken[0] + m->taken[1];
	m->taken[sc->side] += ok;
	after = before + ok;
	pthread_mutex_unlock(&m->lock);
	if (sc->side == 0 && after / 65536 != before / 65536) /* the caller's thread */
		yh_selector_progress(sc->sel, after);
	for (i = 0; i < ok; i++) {
		sc->seen[sc->rows[i].stratum]++;
		if ((rc = yh_selector_offer(sc->sel, sc->rows[i].id, sc->rows[i].stratum)) < 0)
			return rc;
	}
	sc->n = 0;
	return sc->met;
}

static int gather(void *ctx, const char *const *row)
{
	scanner *sc = ctx;
	int rc;

	if ((rc = yh_selector_stratum(&sc->rows[sc->n].stratum, sc->sel, row)) < 0)
		return rc;
	memcpy(sc->rows[sc->n].id, row[YH_E_ID], strlen(row[YH_E_ID]) + 1); /* < YH_KEY_MAX: checked */
	if (++sc->n == CLAIM_ROWS)
		return claim(sc);
	return 0;
}

typedef struct {
	scanner sc;
	yh_store *store;
	const yh_frozen *f;
	int rc;
	char error[512];
} downward;

/* A scan stopped by the meeting (1) is a scan done; at the end, the last rows gathered. */
static int finish_scan(scanner *sc, int rc)
{
	if (rc == 0 && !sc->met)
		rc = claim(sc);
	return rc < 0 ? rc : YH_OK;
}

static void *scan_down(void *arg)
{
	downward *d = arg;

	d->rc = finish_scan(&d->sc, yh_frozen_scan_desc(d->store, d->f, gather, &d->sc));
	if (d->rc < 0)
		snprintf(d->error, sizeof(d->error), "%s", yh_error_message());
	return NULL;
}

/* The rows each side took, into the selector's counts. */
static void count(scanner *sc, size_t nstrata)
{
	size_t i;

	for (i = 0; i < nstrata; i++)
		if (sc->seen[i])
			yh_selector_count(sc->sel, i, sc->seen[i]);
}

int yh_draw_scan_both(yh_store *store, yh_store *second, const yh_frozen *f, yh_selector *sel)
{
	static meeting zero;
	meeting m = zero;
	scanner *a = calloc(1, sizeof(*a));
	downward *d = calloc(1, sizeof(*d));
	pthread_t t;
	int rc, joined = 0;

	if (!a || !d || !(a->seen = calloc(f->nstrata + 1, sizeof(uint64_t))) ||
	    !(d->sc.seen = calloc(f->nstrata + 1, sizeof(uint64_t)))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = yh_selector_share(sel)) < 0)
		goto done;
	pthread_mutex_init(&m.lock, NULL);
	a->m = &m;
	a->side = 0;
	a->sel = sel;
	d->sc.m = &m;
	d->sc.side = 1;
	d->sc.sel = sel;
	d->store = second;
	d->f = f;
	if (pthread_create(&t, NULL, scan_down, d) == 0) {
		rc = finish_scan(a, yh_frozen_scan(store, f, NULL, gather, a));
		pthread_join(t, NULL);
		if (rc == YH_OK && d->rc < 0)
			rc = yh_error_set(d->rc, "%s", d->error);
	} else { /* no second thread: this one reads everything */
		rc = finish_scan(a, yh_frozen_scan(store, f, NULL, gather, a));
	}
	joined = 1;
	if (rc == YH_OK) {
		count(a, f->nstrata);
		count(&d->sc, f->nstrata);
	}
done:
	if (joined)
		pthread_mutex_destroy(&m.lock);
	if (a)
		free(a->seen);
	if (d)
		free(d->sc.seen);
	free(a);
	free(d);
	return rc;
}
