/* main.c - the postlint command: find inputs and their configs, check, report, exit 0/1/2. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "postlint.h"

#ifndef DATADIR
#define DATADIR "/usr/local/share/postlint"
#endif

/* One configuration in use: the checker built for it, or its failure. */
struct slot {
	char *config_path;      /* NULL: no config file */
	struct postlint_checker *chk;
	int failed;             /* bad pack or config: its files are not judged */
};

/* Where each directory's nearest config was found, so that a walk over a
 * large tree does not stat every ancestor of every file. */
struct dircache {
	char *dir;
	char *config;   /* NULL: none up to the root */
};

struct run {
	struct cli *cli;
	const char *datadir;
	struct postlint_reporter *rep;
	struct slot *slots;
	size_t nslots;
	struct dircache *dirs;
	size_t ndirs;
	int any_error;      /* exit 2 */
	int any_fail;       /* exit 1 */
	int stopped;        /* the output went away */
	int write_errno;    /* why: EPIPE (quiet) or a real write error */
	unsigned rep_flags; /* the reporter's, for the workers' own */
	struct par *par;    /* -j N: the workers; NULL: one thread */
	struct { dev_t dev; ino_t ino; } *seen;   /* directories on the walk */
	size_t nseen;
	char *root;         /* the walked folder, resolved; NULL: no walk */
};

static void
print_error(struct run *run, const struct postlint_error *err)
{
	/* both may quote outside text: a file name, a value from a post */
	fputs("postlint: ", stderr);
	if (err->file[0] != '\0') {
		postlint_write_escaped(stderr, err->file, strlen(err->file));
		if (err->line > 0)
			fprintf(stderr, ":%ld", err->line);
		fputs(": ", stderr);
	}
	postlint_write_escaped(stderr, err->message, strlen(err->message));
	fputc('\n', stderr);
	if (run != NULL && run->rep != NULL && !run->stopped &&
	    postlint_reporter_error(run->rep, err) != 0) {
		run->write_errno = errno;
		run->stopped = 1;
	}
}

static void queue_event(struct run *run, const struct postlint_error *err,
    const char *note);

/* An error found by the main thread: shown at once, or with -j in its
 * place among the reports of the files before it. */
static void
report_error(struct run *run, const struct postlint_error *err)
{
	if (run->par != NULL) {
		queue_event(run, err, NULL);
		return;
	}
	print_error(run, err);
	run->any_error = 1;
}

/* The line of a note about PATH, its name escaped; caller frees. */
static char *
note_text(const char *path, const char *what)
{
	char *shown = cli_escaped(path);
	size_t n = strlen(shown) + strlen(what) + 16;
	char *text = xmalloc(n);

	snprintf(text, n, "postlint: %s: %s\n", shown, what);
	free(shown);
	return text;
}

/* A note on stderr that does not change the status (a skipped file). */
static void
note(struct run *run, const char *path, const char *what)
{
	char *text = note_text(path, what);

	if (run->par != NULL)
		queue_event(run, NULL, text);
	else
		fputs(text, stderr);
	free(text);
}

static void
simple_error(struct run *run, const char *file, const char *msg)
{
	struct postlint_error err;

	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "%s", file);
	snprintf(err.message, sizeof(err.message), "%s", msg);
	report_error(run, &err);
}

/*
 * The data folder: POSTLINT_DATADIR; else next to the binary, installed
 * (BIN/../share/postlint) or in the build tree (the binary beside rules/);
 * else the folder compiled in.  Looking beside the binary first keeps an
 * installed tree relocatable and a build tree from using stale packs.
 */
static char *
find_datadir(void)
{
	const char *env = getenv("POSTLINT_DATADIR");
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(probe, sizeof(probe), "%s/../share/postlint/rules/"
			    "postlint.rng", exe);
			if (cli_is_file(probe)) {
				char real[PATH_MAX];

				snprintf(probe, sizeof(probe), "%s/../share/postlint", exe);
				return xstrdup(realpath(probe, real) ? real : probe);
			}
			snprintf(probe, sizeof(probe), "%s/rules/postlint.rng", exe);
			if (cli_is_file(probe))
				return xstrdup(exe);
		}
	}
	return xstrdup(DATADIR);
}

/* PATH relative to the current directory when it lies under it, so that
 * messages name files the way the user does.  Caller frees. */
static char *
display_path(const char *path)
{
	char cwd[PATH_MAX];
	size_t n;

	if (getcwd(cwd, sizeof(cwd)) != NULL && (n = strlen(cwd)) > 1 &&
	    strncmp(path, cwd, n) == 0 && path[n] == '/')
		return xstrdup(path + n + 1);
	return xstrdup(path);
}

/* The nearest .postlint.xml at or above DIR, or NULL.  Caller frees. */
static char *
find_config(struct run *run, const char *dir)
{
	char path[PATH_MAX], probe[PATH_MAX + 16];
	size_t i;
	char *r = NULL;

	if (realpath(dir, path) == NULL)
		snprintf(path, sizeof(path), "%s", dir);
	for (i = 0; i < run->ndirs; i++)
		if (strcmp(run->dirs[i].dir, path) == 0)
			return run->dirs[i].config ? xstrdup(run->dirs[i].config) :
			    NULL;
	{
		char walk[PATH_MAX];

		snprintf(walk, sizeof(walk), "%s", path);
		for (;;) {
			char *slash;

			snprintf(probe, sizeof(probe), "%s/.postlint.xml",
			    strcmp(walk, "/") == 0 ? "" : walk);
			if (cli_is_file(probe)) {
				r = display_path(probe);
				break;
			}
			if ((slash = strrchr(walk, '/')) == NULL || strcmp(walk, "/") == 0)
				break;
			if (slash == walk)
				slash[1] = '\0';
			else
				*slash = '\0';
		}
	}
	run->dirs = xrealloc(run->dirs, (run->ndirs + 1) * sizeof(*run->dirs));
	run->dirs[run->ndirs].dir = xstrdup(path);
	run->dirs[run->ndirs].config = r ? xstrdup(r) : NULL;
	run->ndirs++;
	return r;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	d = xstrdup(path);
	d[slash - path] = '\0';
	return d;
}

static struct postlint_config *
make_config(struct run *run, const char *config_path, struct postlint_error *err)
{
	struct postlint_config *cfg = postlint_config_new(run->datadir);
	size_t i;

	if (config_path != NULL && postlint_config_load(cfg, config_path, err) != 0) {
		postlint_config_free(cfg);
		return NULL;
	}
	for (i = 0; i < run->cli->nsettings; i++)
		if (postlint_config_set(cfg, run->cli->settings[i].key,
		    run->cli->settings[i].value, "command line", err) != 0) {
			postlint_config_free(cfg);
			return NULL;
		}
	return cfg;
}

/* The config path that governs PATH ("-" is stdin). Caller frees. */
static char *
config_for(struct run *run, const char *path)
{
	char *dir, *r;

	if (run->cli->no_config)
		return NULL;
	if (run->cli->config != NULL)
		return xstrdup(run->cli->config);
	if (strcmp(path, "-") == 0)
		path = run->cli->stdin_filename ? run->cli->stdin_filename : "./-";
	dir = dir_of(path);
	r = find_config(run, dir);
	free(dir);
	return r;
}

/* The slot for the config governing PATH; its checker is built once. */
static struct slot *
slot_for(struct run *run, const char *path)
{
	char *cp = config_for(run, path);
	struct postlint_config *cfg;
	struct postlint_error err;
	struct slot *s;
	size_t i;

	for (i = 0; i < run->nslots; i++) {
		s = &run->slots[i];
		if ((cp == NULL && s->config_path == NULL) ||
		    (cp != NULL && s->config_path != NULL &&
		    strcmp(cp, s->config_path) == 0)) {
			free(cp);
			return s;
		}
	}
	run->slots = xrealloc(run->slots, (run->nslots + 1) * sizeof(*run->slots));
	s = &run->slots[run->nslots++];
	s->config_path = cp;
	s->chk = NULL;
	s->failed = 0;
	memset(&err, 0, sizeof(err));
	cfg = make_config(run, cp, &err);
	if (cfg != NULL) {
		s->chk = postlint_checker_new(cfg, &err);
		postlint_config_free(cfg);
	}
	if (s->chk == NULL) {
		s->failed = 1;
		if (err.file[0] == '\0' && cp != NULL && strstr(err.message, cp) == NULL) {
			char msg[sizeof(err.message)];
			int room = (int)sizeof(msg) - 20;

			snprintf(msg, sizeof(msg), "%.*s (config %.*s)", room / 2,
			    err.message, room / 2, cp);
			memcpy(err.message, msg, sizeof(msg));
		}
		report_error(run, &err);
	}
	return s;
}

static int
on_result(const struct postlint_result *res, void *data)
{
	struct run *run = data;

	if (!postlint_result_passed(res))
		run->any_fail = 1;
	if (postlint_reporter_post(run->rep, res) != 0) {
		run->write_errno = errno;
		run->stopped = 1;
		return 1;
	}
	return 0;
}

static void
on_error(const struct postlint_error *err, void *data)
{
	struct run *run = data;

	run->any_error = 1;
	print_error(run, err);
}

/*
 * A file found by a walk that holds a NUL byte or is not UTF-8 in its
 * first 8 KiB is binary: skipped with a note, the exit status unchanged.
 */
#define BINARY_SAMPLE 8192

static int
binary_sample(const unsigned char *b, size_t n)
{
	size_t i = 0;

	if (n > BINARY_SAMPLE)
		n = BINARY_SAMPLE;
	if (memchr(b, '\0', n) != NULL)
		return 1;
	while (i < n) {
		size_t len = b[i] < 0x80 ? 1 : b[i] >= 0xF0 ? 4 : b[i] >= 0xE0 ? 3 :
		    b[i] >= 0xC2 ? 2 : 0;
		size_t k;

		if (len == 0 || b[i] > 0xF4)
			return 1;
		if (i + len > n)   /* cut by the sample: not evidence */
			break;
		for (k = 1; k < len; k++)
			if ((b[i + k] & 0xC0) != 0x80)
				return 1;
		i += len;
	}
	return 0;
}

static int
looks_binary(FILE *fp)
{
	unsigned char b[BINARY_SAMPLE];
	size_t n = fread(b, 1, sizeof(b), fp);

	rewind(fp);
	return binary_sample(b, n);
}

static int
excluded(struct run *run, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < run->cli->nexcludes; i++)
		if (fnmatch(run->cli->excludes[i], path, 0) == 0 ||
		    fnmatch(run->cli->excludes[i], base, 0) == 0)
			return 1;
	return 0;
}

static void
fill_input(struct run *run, struct postlint_input *in, const char *path)
{
	memset(in, 0, sizeof(*in));
	in->name = strcmp(path, "-") == 0 && run->cli->stdin_filename != NULL ?
	    run->cli->stdin_filename : path;
	in->format = run->cli->each_line ? POSTLINT_INPUT_LINES :
	    run->cli->input_format;
	in->scheduled = run->cli->scheduled;
	in->drafts = run->cli->drafts;
	in->now = run->cli->has_now ? run->cli->now : (long long)time(NULL);
	in->column = run->cli->column;
}

/* Where a judged file's results, errors and notes go: straight to the
 * report, or (with -j) into a task that is reported in its turn. */
struct sink {
	postlint_result_fn result;
	postlint_error_fn error;
	void (*note)(void *data, const char *path, const char *what);
	void *data;
};

/*
 * A regular file up to SLURP_MAX bytes is read whole: open, fstat, one
 * read, close.  A walk over a folder of posts meets thousands of small
 * files, and stdio (with the binary sample read and a rewind) made nine
 * system calls of each.  Larger files, pipes and stdin are streamed, so
 * memory stays bounded whatever the input.
 */
#define SLURP_MAX (256 * 1024)

/* The whole of the regular file open on FD, if small: 1 and *BUF, *LEN
 * (the caller frees *BUF); 0 to stream it instead; -1 with errno. */
static int
slurp(int fd, char **buf, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	ssize_t r;

	if (fstat(fd, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_size > SLURP_MAX)
		return 0;
	/* one byte more than fstat said, to see the end in the same read */
	cap = (size_t)st.st_size + 1;
	*buf = xmalloc(cap);
	for (;;) {
		r = read(fd, *buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(*buf);
			return -1;
		}
		n += (size_t)r;
		if (n == cap) {   /* it grew since fstat: stream it */
			free(*buf);
			if (lseek(fd, 0, SEEK_SET) != 0)
				return -1;
			return 0;
		}
		/* a regular file reads short only at its end: no read for 0 */
		if (r == 0 || n < cap)
			break;
	}
	*len = n;
	return 1;
}

static void
close_input(const char *path, FILE *fp, char *buf)
{
	if (fp != NULL && strcmp(path, "-") != 0)
		fclose(fp);
	free(buf);
}

/* Opens PATH ("-": stdin): a small regular file is read whole into *BUF
 * and *LEN when SLURP is set, else *FP is a stream.  A binary file found
 * by a walk is skipped with a note, and an error goes to K.  0 when there
 * is something to judge. */
static int
open_input(const char *path, int from_walk, int slurp_ok, const struct sink *k,
    FILE **fp, char **buf, size_t *len)
{
	int fd = -1, whole = 0;

	*fp = NULL;
	*buf = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0)
		*fp = stdin;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (slurp_ok && (whole = slurp(fd, buf, len)) < 0) ||
	    (whole == 0 && (*fp = fdopen(fd, "rb")) == NULL)) {
		struct postlint_error err;

		memset(&err, 0, sizeof(err));
		snprintf(err.file, sizeof(err.file), "%s", path);
		snprintf(err.message, sizeof(err.message), "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		k->error(&err, k->data);
		return -1;
	}
	if (whole)
		close(fd);
	if (from_walk && (whole ? binary_sample((const unsigned char *)*buf,
	    *len) : looks_binary(*fp))) {
		k->note(k->data, path, "binary file skipped");
		close_input(path, *fp, *buf);
		return -1;
	}
	return 0;
}

/* Judges PATH with CHK into K. */
static void
judge_file(struct run *run, const char *path, int from_walk,
    const struct postlint_checker *chk, const struct sink *k)
{
	struct postlint_input in;
	FILE *fp;
	char *buf;
	size_t len;

	if (open_input(path, from_walk, 1, k, &fp, &buf, &len) != 0)
		return;
	fill_input(run, &in, path);
	if (fp == NULL)
		(void)postlint_check_buffer(chk, &in, buf, len, k->result, k->error,
		    k->data);
	else
		(void)postlint_check_stream(chk, &in, fp, k->result, k->error,
		    k->data);
	close_input(path, fp, buf);
}

/*
 * -j N: files are judged by N worker threads, and reported by the main
 * thread in input order, so that the output is byte for byte that of -j 1.
 * Every file (and every error or note the walk itself finds) is a task in
 * one queue; a worker records a task's results as copies and the main
 * thread replays them to the reporter.  Back-pressure keeps memory
 * bounded: a task holds at most EVENTS_MAX unreported results (a long
 * --each-line stream waits for its turn), and workers run at most
 * WINDOW tasks ahead of the report.
 */
#define EVENTS_MAX 256
#define WINDOW 256

struct event {
	struct postlint_result *res;   /* a judged post, or */
	struct postlint_error *err;    /* an error, or */
	char *note;                    /* a note for stderr, or */
	char *out;                     /* a post as the report writes it */
	size_t nout;
	int failed;                    /* with out: the post failed */
};

struct task {
	char *path;                    /* NULL: events only, or */
	char *lines;                   /* a batch of lines of one input */
	size_t nlines;
	struct postlint_input in;      /* the batch's input */
	char *name;                    /* in.name, the task's own */
	int from_walk;
	const struct postlint_checker *chk;
	struct event *ev;
	size_t nev, cap, consumed;
	int done;
};

struct par {
	struct run *run;
	pthread_t *threads;
	int nthreads;
	pthread_mutex_t lock;
	/* work: a worker waits for a task or for room in the window;
	 * ready: the main thread waits for the head task; space: a worker
	 * waits for its task's events to be reported */
	pthread_cond_t work, ready, space;
	struct task **tasks;
	size_t ntasks, cap, next, emitted;
	int idle;            /* workers waiting on work */
	int main_waiting;    /* the main thread waits on ready */
	int closing, stop;
};

/* The pool's lock is held briefly and taken once or twice a file: spin
 * a little before sleeping, as a futex wait and wake costs more. */
static void
par_lock(struct par *p)
{
	int i;

	for (i = 0; i < 64; i++)
		if (pthread_mutex_trylock(&p->lock) == 0)
			return;
	pthread_mutex_lock(&p->lock);
}

/*
 * Wakes are rationed: with many small files, a wake per file cost more
 * than judging it (a futex wait and wake is some 10 us on a virtual
 * machine, a small post 30 us).  The main thread, when it waits, is woken
 * once READY_RUN tasks from the head on are done, or every task submitted
 * is, or the workers have run a window ahead and would stop; and at once
 * when T (a long input) has many events waiting (FORCE).  A worker is
 * woken only when it waits and there is work.
 */
#define READY_RUN 64

static void
wake_main(struct par *p, struct task *t, int force)
{
	size_t k;

	if (!p->main_waiting || p->emitted >= p->ntasks)
		return;
	if (force) {
		if (p->tasks[p->emitted] == t)
			pthread_cond_signal(&p->ready);
		return;
	}
	for (k = p->emitted; k < p->ntasks && k < p->emitted + READY_RUN; k++)
		if (!p->tasks[k]->done)
			break;
	if (k > p->emitted && (k == p->ntasks || k == p->emitted + READY_RUN ||
	    p->next >= p->emitted + WINDOW || p->closing))
		pthread_cond_signal(&p->ready);
}

/* Adds an event to T; waits while T has too many unreported.  Returns
 * nonzero when the run is stopping. */
static int
task_add(struct par *p, struct task *t, const struct event *e)
{
	int stop;

	if (t->lines != NULL) {
		/* a batch of lines is bounded by its size, and its events are
		 * the worker's alone until it is done: no lock a post */
		if (t->nev == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 16;
			t->ev = xrealloc(t->ev, t->cap * sizeof(*t->ev));
		}
		t->ev[t->nev++] = *e;
		return 0;
	}
	par_lock(p);
	while (t->nev - t->consumed >= EVENTS_MAX && !p->stop) {
		wake_main(p, t, 1);
		pthread_cond_wait(&p->space, &p->lock);
	}
	if (t->nev == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->ev = xrealloc(t->ev, t->cap * sizeof(*t->ev));
	}
	t->ev[t->nev++] = *e;
	stop = p->stop;
	if (t->nev - t->consumed >= 32)
		wake_main(p, t, 1);
	pthread_mutex_unlock(&p->lock);
	return stop;
}

/*
 * Where a format writes each post on its own (text, gcc, jsonl), a worker
 * writes its posts with a memory reporter of its own, and the main thread
 * only copies the bytes to the output in order: the formatting is spread
 * over the threads, and no copy of a result crosses between them.
 */
struct task_ctx {
	struct par *p;
	struct task *t;
	struct postlint_reporter *w;   /* NULL: results are copied */
};

static int
task_result(const struct postlint_result *res, void *data)
{
	struct task_ctx *c = data;
	struct event e = { NULL, NULL, NULL, NULL, 0, 0 };
	const char *text;

	if (c->w == NULL) {
		e.res = postlint_result_copy(res);
		return task_add(c->p, c->t, &e);
	}
	text = postlint_reporter_render(c->w, res, &e.nout);
	e.failed = !postlint_result_passed(res);
	if (e.nout == 0 && !e.failed)
		return 0;   /* --quiet, and it passed: nothing to say */
	e.out = xmalloc(e.nout + 1);
	memcpy(e.out, text, e.nout);
	return task_add(c->p, c->t, &e);
}

static void
task_error(const struct postlint_error *err, void *data)
{
	struct task_ctx *c = data;
	struct event e = { NULL, xmalloc(sizeof(*err)), NULL, NULL, 0, 0 };

	*e.err = *err;
	(void)task_add(c->p, c->t, &e);
}

static void
task_note(void *data, const char *path, const char *what)
{
	struct task_ctx *c = data;
	struct event e = { NULL, NULL, note_text(path, what), NULL, 0, 0 };

	(void)task_add(c->p, c->t, &e);
}

/* What check_file does, in a worker, into the task's events. */
static void
run_task(struct par *p, struct task *t, struct postlint_reporter *w)
{
	struct task_ctx c = { p, t, w };
	struct sink k = { task_result, task_error, task_note, &c };

	if (t->lines != NULL)
		(void)postlint_check_buffer(t->chk, &t->in, t->lines, t->nlines,
		    task_result, task_error, &c);
	else
		judge_file(p->run, t->path, t->from_walk, t->chk, &k);
}

static void *
worker(void *arg)
{
	struct par *p = arg;
	struct postlint_reporter *w = postlint_reporter_new_memory(
	    p->run->cli->format, p->run->rep_flags);

	par_lock(p);
	for (;;) {
		struct task *t;

		while ((p->next >= p->ntasks && !p->closing) ||
		    (p->next < p->ntasks && p->next >= p->emitted + WINDOW &&
		    !p->stop)) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->lock);
			p->idle--;
		}
		if (p->next >= p->ntasks) {
			/* closing with nothing left: let the others see it too */
			pthread_cond_broadcast(&p->work);
			break;
		}
		t = p->tasks[p->next++];
		pthread_mutex_unlock(&p->lock);
		if ((t->path != NULL || t->lines != NULL) && !p->stop)
			run_task(p, t, w);
		par_lock(p);
		t->done = 1;
		wake_main(p, t, 0);
	}
	pthread_mutex_unlock(&p->lock);
	postlint_reporter_free(w);
	return NULL;
}

static void
add_task(struct par *p, struct task *t)
{
	par_lock(p);
	if (p->ntasks == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->tasks = xrealloc(p->tasks, p->cap * sizeof(*p->tasks));
	}
	p->tasks[p->ntasks++] = t;
	if (p->idle > 0)
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

static void
queue_event(struct run *run, const struct postlint_error *err, const char *msg)
{
	struct task *t = xmalloc(sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->ev = xmalloc(sizeof(*t->ev));
	t->cap = t->nev = 1;
	memset(t->ev, 0, sizeof(*t->ev));
	if (err != NULL) {
		t->ev->err = xmalloc(sizeof(*err));
		*t->ev->err = *err;
	} else
		t->ev->note = xstrdup(msg);
	add_task(run->par, t);
}

/* The main thread's side: reports one event, as -j 1 would have. */
static void
replay(struct run *run, struct event *e)
{
	if (e->res != NULL) {
		if (!run->stopped)
			(void)on_result(e->res, run);
		postlint_result_free(e->res);
	} else if (e->out != NULL) {
		if (e->failed)
			run->any_fail = 1;
		if (!run->stopped &&
		    postlint_reporter_write(run->rep, e->out, e->nout) != 0) {
			run->write_errno = errno;
			run->stopped = 1;
		}
		free(e->out);
	} else if (e->err != NULL) {
		run->any_error = 1;
		print_error(run, e->err);
		free(e->err);
	} else {
		fputs(e->note, stderr);
		free(e->note);
	}
}

/* Reports the tasks that are ready, in order; with BLOCK, waits until the
 * first LIMIT tasks are reported. */
static void
drain(struct par *p, int block, size_t limit)
{
	par_lock(p);
	while (p->emitted < p->ntasks) {
		struct task *t = p->tasks[p->emitted];

		/* a batch's events are read once it is done */
		if ((t->lines == NULL || t->done) && t->consumed < t->nev) {
			/* take every waiting event at once, report them unlocked */
			size_t n = t->nev - t->consumed, i;
			struct event *batch = xmalloc(n * sizeof(*batch));

			memcpy(batch, t->ev + t->consumed, n * sizeof(*batch));
			t->consumed = t->nev = 0;
			pthread_cond_broadcast(&p->space);
			pthread_mutex_unlock(&p->lock);
			for (i = 0; i < n; i++)
				replay(p->run, &batch[i]);
			free(batch);
			par_lock(p);
			if (p->run->stopped && !p->stop) {
				p->stop = 1;
				pthread_cond_broadcast(&p->space);
				pthread_cond_broadcast(&p->work);
			}
			continue;
		}
		if (t->done) {
			free(t->ev);
			free(t->path);
			free(t->lines);
			free(t->name);
			free(t);
			p->tasks[p->emitted++] = NULL;
			/* room in the window for the waiting workers */
			if (p->idle > 0 && p->next < p->ntasks &&
			    p->next < p->emitted + WINDOW)
				pthread_cond_broadcast(&p->work);
			continue;
		}
		if (!block || p->emitted >= limit)
			break;
		p->main_waiting = 1;
		pthread_cond_wait(&p->ready, &p->lock);
		p->main_waiting = 0;
	}
	pthread_mutex_unlock(&p->lock);
}

static void
submit(struct run *run, const char *path, int from_walk,
    const struct postlint_checker *chk)
{
	struct par *p = run->par;
	struct task *t = xmalloc(sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->path = xstrdup(path);
	t->from_walk = from_walk;
	t->chk = chk;
	add_task(p, t);
	if (p->ntasks > p->emitted + 2 * WINDOW)
		drain(p, 1, p->ntasks - WINDOW);
}

/*
 * --each-line with -j: this thread reads the input and cuts it into
 * batches of lines, each a task of the one queue, judged by the workers
 * and reported in its turn like a file.  Fewer batches than files are in
 * flight (twice the workers, and two), since a batch is larger.
 */
struct split {
	struct run *run;
	const struct postlint_checker *chk;
	struct postlint_input in;
};

static int
split_batch(const char *text, size_t len, long line, long long offset,
    void *data)
{
	struct split *sp = data;
	struct par *p = sp->run->par;
	struct task *t = xmalloc(sizeof(*t));
	size_t window = 2 * (size_t)p->nthreads + 2;

	memset(t, 0, sizeof(*t));
	t->lines = xmalloc(len + 1);
	memcpy(t->lines, text, len);
	t->nlines = len;
	t->in = sp->in;
	/* the walk frees its path before the batch is judged */
	t->in.name = t->name = xstrdup(sp->in.name);
	t->in.line = line;
	t->in.offset = offset;
	t->chk = sp->chk;
	add_task(p, t);
	if (p->ntasks - p->emitted > window)
		drain(p, 1, p->ntasks - window);
	return sp->run->stopped;
}

static void
split_error(const struct postlint_error *err, void *data)
{
	queue_event(((struct split *)data)->run, err, NULL);
}

static void
queue_note(void *data, const char *path, const char *what)
{
	note(data, path, what);
}

static void
queue_error(const struct postlint_error *err, void *data)
{
	queue_event(data, err, NULL);
}

static void
split_file(struct run *run, const char *path, int from_walk,
    const struct postlint_checker *chk)
{
	struct sink k = { NULL, queue_error, queue_note, run };
	struct split sp = { run, chk, { 0 } };
	FILE *fp;
	char *buf;
	size_t len;

	if (open_input(path, from_walk, 0, &k, &fp, &buf, &len) != 0)
		return;
	fill_input(run, &sp.in, path);
	(void)postlint_split_lines(chk, &sp.in, fp, split_batch, split_error, &sp);
	close_input(path, fp, buf);
}

static void
par_start(struct run *run, int n)
{
	struct par *p = xmalloc(sizeof(*p));
	int i;

	memset(p, 0, sizeof(*p));
	p->run = run;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->ready, NULL);
	pthread_cond_init(&p->space, NULL);
	p->threads = xmalloc((size_t)n * sizeof(*p->threads));
	for (i = 0; i < n; i++)
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			break;
	p->nthreads = i;
	run->par = p;
	if (i == 0) {   /* no thread: judge in this one */
		free(p->threads);
		free(p);
		run->par = NULL;
	}
}

static void
par_finish(struct run *run)
{
	struct par *p = run->par;
	int i;

	if (p == NULL)
		return;
	par_lock(p);
	p->closing = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	drain(p, 1, (size_t)-1);
	/* every task is reported: wake any worker still waiting for room */
	par_lock(p);
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	drain(p, 1, (size_t)-1);
	run->par = NULL;
	free(p->tasks);
	free(p->threads);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->ready);
	pthread_cond_destroy(&p->space);
	free(p);
}

static void
run_note(void *data, const char *path, const char *what)
{
	note(data, path, what);
}

static void
check_file(struct run *run, const char *path, int from_walk)
{
	struct sink k = { on_result, on_error, run_note, run };
	struct slot *s;

	if (run->stopped)
		return;
	s = slot_for(run, path);
	if (s->failed)
		return;   /* the reason was reported once, with exit 2 */
	if (run->par != NULL && run->cli->each_line)
		split_file(run, path, from_walk, s->chk);
	else if (run->par != NULL)
		submit(run, path, from_walk, s->chk);
	else
		judge_file(run, path, from_walk, s->chk, &k);
}

static const char *const walk_exts[] = {
	"txt", "md", "markdown", "html", "htm", "rss", "atom", "xml", "csv", NULL
};

static int
walk_wants(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return 0;
	for (i = 0; walk_exts[i] != NULL; i++)
		if (strcmp(dot + 1, walk_exts[i]) == 0)
			return 1;
	return 0;
}

/* A folder's entry: its name and readdir's d_type. */
struct name {
	char *s;
	unsigned char type;
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name *)a)->s, ((const struct name *)b)->s);
}

static void walk(struct run *run, const char *dir);

/* Whether PATH, an entry of the walk of type TYPE (readdir's), is a
 * symbolic link whose target lies outside the walked folder: a branch
 * under review could otherwise make the report quote any file the CI
 * machine can read. */
static int
leaves_root(struct run *run, const char *path, unsigned char type)
{
	struct stat lst;
	char *to;
	size_t n;
	int out;

	if (type != DT_LNK && (type != DT_UNKNOWN || lstat(path, &lst) != 0 ||
	    !S_ISLNK(lst.st_mode)))
		return 0;
	if (run->root == NULL || (to = realpath(path, NULL)) == NULL)
		return 1;
	n = strlen(run->root);
	out = !(strncmp(to, run->root, n) == 0 &&
	    (to[n] == '/' || to[n] == '\0' || (n == 1 && run->root[0] == '/')));
	free(to);
	return out;
}

/* One entry of a folder; TYPE is readdir's d_type, so that a regular
 * file costs no stat() here (opening it tells the rest). */
static void
walk_entry(struct run *run, const char *path, const char *name,
    unsigned char type)
{
	struct stat st;

	if (name[0] == '.' || strcmp(name, "node_modules") == 0) {
		/* hidden files and folders, and vendored packages */
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return;
		if (name[0] == '.')
			return;
	}
	if (excluded(run, path))
		return;
	if (type == DT_REG) {
		if (walk_wants(name))
			check_file(run, path, 1);
		return;
	}
	if (stat(path, &st) != 0) {
		struct stat lst;

		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			note(run, path, "dangling symbolic link skipped");
		else
			simple_error(run, path, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && walk_wants(name))) {
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && walk_wants(name))
			note(run, path, "not a regular file (a FIFO, socket or "
			    "device); skipped");
		return;
	}
	if (!run->cli->follow && leaves_root(run, path, type)) {
		note(run, path, "symbolic link out of the folder being checked; "
		    "skipped (--follow reads it)");
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk(run, path);
	else
		check_file(run, path, 1);
}

static void
walk(struct run *run, const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	struct name *names = NULL;
	size_t n = 0, i;

	if (stat(dir, &st) != 0)
		return;
	/* A directory seen before on this walk (a symlink loop, or a link
	 * to a folder walked already) is skipped with a note. */
	for (i = 0; i < run->nseen; i++)
		if (run->seen[i].dev == st.st_dev && run->seen[i].ino == st.st_ino) {
			note(run, dir, "directory already walked (a symbolic link "
			    "loop?); skipped");
			return;
		}
	run->seen = xrealloc(run->seen, (run->nseen + 1) * sizeof(*run->seen));
	run->seen[run->nseen].dev = st.st_dev;
	run->seen[run->nseen].ino = st.st_ino;
	run->nseen++;
	if ((d = opendir(dir)) == NULL) {
		simple_error(run, dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n].type = e->d_type;
		names[n++].s = xstrdup(e->d_name);
	}
	closedir(d);
	/* Sorted, so reports come in the same order on every machine. */
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n && !run->stopped; i++) {
		size_t len = strlen(dir) + strlen(names[i].s) + 2;
		char *path = xmalloc(len);

		snprintf(path, len, "%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", names[i].s);
		walk_entry(run, path, names[i].s, names[i].type);
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i].s);
	free(names);
}

static void
check_arg(struct run *run, const char *arg)
{
	struct stat st;

	if (strcmp(arg, "-") == 0) {
		check_file(run, arg, 0);
		return;
	}
	if (excluded(run, arg))
		return;
	if (stat(arg, &st) != 0) {
		simple_error(run, arg, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		run->root = realpath(arg, NULL);
		walk(run, arg);
		free(run->root);
		run->root = NULL;
	} else
		check_file(run, arg, 0);
}

/* A path a directory walk would not enter: a hidden file or folder, or
 * node_modules, anywhere in it. */
static int
hidden_path(const char *p)
{
	for (;;) {
		size_t n = strcspn(p, "/");

		if (p[0] == '.' || (n == 12 && strncmp(p, "node_modules", 12) == 0))
			return 1;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/*
 * --staged, what the pre-commit hook runs: the index's version of every
 * added or modified post file (the extensions a directory walk takes), so
 * that what is checked is what is committed, whatever the working tree
 * holds.  Paths are relative to the top of the working tree, and each
 * file's config is found from there.
 */
static void
check_staged(struct run *run)
{
	char *top = git_toplevel(), *list = NULL, *p;
	size_t len = 0;
	long n;

	if (top == NULL || chdir(top) != 0) {
		simple_error(run, ".", "--staged: not in a git working tree");
		free(top);
		return;
	}
	free(top);
	if ((n = git_staged_paths(&list, &len)) < 0) {
		simple_error(run, ".", "--staged: git diff --cached failed");
		return;
	}
	for (p = list; p < list + len && !run->stopped; p += strlen(p) + 1) {
		const char *base = strrchr(p, '/');
		char *buf = NULL;
		size_t blen = 0;
		struct postlint_input in;
		struct slot *s;
		int r;

		base = base ? base + 1 : p;
		if (!walk_wants(base) || hidden_path(p) || excluded(run, p))
			continue;
		s = slot_for(run, p);
		if (s->failed)
			continue;
		r = git_staged_blob(p, &buf, &blen, (size_t)64 << 20);
		if (r == -2)
			simple_error(run, p, "staged file larger than 64 MiB");
		else if (r != 0)
			simple_error(run, p, "git cat-file could not read the "
			    "staged file");
		else if (binary_sample((const unsigned char *)buf, blen))
			note(run, p, "binary file skipped");
		else {
			fill_input(run, &in, p);
			(void)postlint_check_buffer(s->chk, &in, buf, blen, on_result,
			    on_error, run);
		}
		free(buf);
	}
	free(list);
	/* git sets GIT_INDEX_FILE for the hooks of git commit */
	if ((run->any_fail || run->any_error) && getenv("GIT_INDEX_FILE") != NULL)
		fputs("postlint: the commit is refused: fix the staged posts "
		    "above, or commit anyway with git commit --no-verify\n",
		    stderr);
}

static void
example_failed(const struct postlint_rule_info *r, const char *example,
    int bad, void *data)
{
	(void)data;
	printf("%s:%ld: %s: %s example %s: %s\n", r->file, r->line, r->id,
	    bad ? "bad" : "good", bad == 2 ? "is not found on its marked span" :
	    bad ? "does not trigger the rule" : "triggers the rule", example);
}

/* TEXT (NULL or empty: nothing) after a blank line, each line indented. */
static void
print_indented(const char *text)
{
	if (text == NULL || text[0] == '\0')
		return;
	putchar('\n');
	while (*text) {
		size_t n = strcspn(text, "\n");

		printf("  %.*s\n", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

/* --list-rules, --explain, --test-rules: the rules of the config that
 * governs the current directory (or --config). */
static int
rules_command(struct run *run)
{
	struct slot *s = slot_for(run, run->cli->stdin_filename ?
	    run->cli->stdin_filename : "./-");
	const struct postlint_checker *chk = s->chk;
	size_t i, j;

	if (s->failed)
		return 2;
	if (run->cli->explain != NULL) {
		const struct postlint_rule_info *r =
		    postlint_checker_find_rule(chk, run->cli->explain);

		if (r == NULL) {
			cli_warn("unknown rule '%s' (postlint "
			    "--list-rules shows them)", run->cli->explain);
			return 2;
		}
		printf("%s: %s\n", r->id, r->message);
		printf("  pack %s (%s:%ld), language %s%s%s\n", r->pack, r->file,
		    r->line, r->lang, r->platform ? ", platform " : "",
		    r->platform ? r->platform : "");
		printf("  %s rule, category %s, severity %s, weight %d", r->kind,
		    r->category, postlint_severity_name(r->severity), r->weight);
		if (r->cap > 0)
			printf(" per hit, at most %d", r->cap);
		printf("%s\n", r->enabled ? "" : " (disabled)");
		print_indented(r->explain);
		print_indented(r->detail);
		putchar('\n');
		for (j = 0; j < r->nexamples; j++)
			printf("  %s: %s\n", r->example_bad[j] ? "bad " : "good",
			    r->examples[j]);
		return 0;
	}
	if (run->cli->test_rules) {
		size_t tested, failed;

		failed = postlint_checker_test_rules(chk, example_failed, NULL,
		    &tested);
		printf("%zu examples of %zu rules: %zu passed, %zu failed\n",
		    tested, postlint_checker_rule_count(chk), tested - failed, failed);
		return failed > 0 ? 1 : 0;
	}
	for (i = 0; i < postlint_checker_rule_count(chk); i++) {
		const struct postlint_rule_info *r = postlint_checker_rule(chk, i);

		printf("%-34s %-7s %3d  %-10s %s%s\n", r->id,
		    postlint_severity_name(r->severity), r->weight, r->category,
		    r->message, r->enabled ? "" : " (disabled)");
	}
	return 0;
}

static void
run_free(struct run *run)
{
	size_t i;

	postlint_reporter_free(run->rep);
	for (i = 0; i < run->nslots; i++) {
		postlint_checker_free(run->slots[i].chk);
		free(run->slots[i].config_path);
	}
	free(run->slots);
	for (i = 0; i < run->ndirs; i++) {
		free(run->dirs[i].dir);
		free(run->dirs[i].config);
	}
	free(run->dirs);
	free(run->seen);
	free((void *)run->datadir);
	free(run->cli->settings);
	free(run->cli->excludes);
}

/* Settings are checked before anything runs: a bad value is a usage
 * error, not a failure of every file. */
static int
settings_ok(struct run *run)
{
	struct postlint_config *probe = postlint_config_new(run->datadir);
	struct postlint_error err;
	size_t i;
	int ok = 1;

	for (i = 0; i < run->cli->nsettings && ok; i++)
		if (postlint_config_set(probe, run->cli->settings[i].key,
		    run->cli->settings[i].value, "command line", &err) != 0) {
			cli_usage_error("--%s: %s", run->cli->settings[i].key,
			    err.message);
			ok = 0;
		}
	postlint_config_free(probe);
	return ok;
}

static int
print_config(struct run *run)
{
	struct cli *cli = run->cli;
	size_t n = cli->npaths ? cli->npaths : 1, i;

	for (i = 0; i < n; i++) {
		const char *p = cli->npaths ? cli->paths[i] : ".";
		char *cp, *text;
		struct postlint_config *cfg;
		struct postlint_error err;
		struct stat st;
		char sub[PATH_MAX + 4];

		/* a directory's own config: look from inside it */
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(sub, sizeof(sub), "%s/-", p);
			cp = config_for(run, sub);
		} else
			cp = config_for(run, p);
		if (n > 1)
			printf("%s# %s\n", i > 0 ? "\n" : "", p);
		cfg = make_config(run, cp, &err);
		free(cp);
		if (cfg == NULL) {
			print_error(NULL, &err);
			run->any_error = 1;
			continue;
		}
		text = postlint_config_describe(cfg);
		fputs(text, stdout);
		free(text);
		postlint_config_free(cfg);
	}
	return run->any_error ? 2 : 0;
}

static int
check_all(struct run *run)
{
	struct cli *cli = run->cli;
	unsigned flags = 0;
	size_t i;

	if (isatty(STDOUT_FILENO) && cli->format == POSTLINT_FORMAT_TEXT) {
		const char *nc = getenv("NO_COLOR");

		if (nc == NULL || nc[0] == '\0')
			flags |= POSTLINT_REPORT_COLOR;
	}
	if (cli->quiet)
		flags |= POSTLINT_REPORT_QUIET;
	run->rep = postlint_reporter_new(cli->format, stdout, flags);
	run->rep_flags = flags;
	if (cli->staged)
		check_staged(run);
	else {
		long jobs = cli->jobs > 0 ? cli->jobs : sysconf(_SC_NPROCESSORS_ONLN);
		struct stat st;

		/* Threads work across files and across the lines of --each-line
		 * input: one file, or stdin, as from an editor, is judged at
		 * once, without starting any. */
		if (jobs > 1 && (cli->each_line || cli->npaths > 1 ||
		    (cli->npaths == 1 && strcmp(cli->paths[0], "-") != 0 &&
		    stat(cli->paths[0], &st) == 0 && S_ISDIR(st.st_mode))))
			par_start(run, jobs > 256 ? 256 : (int)jobs);
		if (cli->npaths == 0)
			check_arg(run, "-");
		for (i = 0; i < cli->npaths && !run->stopped; i++)
			check_arg(run, cli->paths[i]);
		par_finish(run);
	}
	if (!run->stopped && postlint_reporter_finish(run->rep) != 0) {
		run->write_errno = errno;
		run->stopped = 1;
	}
	return run->any_error ? 2 : run->any_fail ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	struct run run;
	int status;

	postlint_set_nomem_handler(cli_nomem);
	/* A closed pipe shows as a write error, and the run ends quietly. */
	signal(SIGPIPE, SIG_IGN);
	if (cli_parse(argc, argv, &cli) != 0) {
		free(cli.settings);
		free(cli.excludes);
		return 2;
	}
	memset(&run, 0, sizeof(run));
	run.cli = &cli;
	if (cli.help) {
		cli_help();
		status = 0;
	} else if (cli.version) {
		printf("postlint %s\n", POSTLINT_VERSION);
		status = 0;
	} else {
		run.datadir = find_datadir();
		if (!settings_ok(&run))
			status = 2;
		else if (cli.install_hook)
			status = git_install_hook(&cli);
		else if (cli.lsp)
			status = lsp_serve(&cli, run.datadir);
		else if (cli.print_config)
			status = print_config(&run);
		else if (cli.list_rules || cli.explain != NULL || cli.test_rules)
			status = rules_command(&run);
		else if (cli.calibrate) {
			struct slot *s = slot_for(&run, "./-");

			status = s->failed ? 2 : calibrate_command(&cli, s->chk,
			    postlint_checker_threshold(s->chk),
			    postlint_checker_fail_level(s->chk));
		}
		else
			status = check_all(&run);
	}
	run_free(&run);
	/*
	 * Whatever was written must have reached its file.  A closed pipe
	 * (| head) ends the run quietly with the status it had; any other
	 * write error (a full disk, EIO) means the report is incomplete:
	 * say so, and exit 2 so that nobody takes it for a whole one.
	 */
	if (!run.stopped && (fflush(stdout) != 0 || ferror(stdout))) {
		run.write_errno = errno;
		run.stopped = 1;
	}
	if (run.stopped && run.write_errno != EPIPE) {
		cli_warn("cannot write the report: %s",
		    strerror(run.write_errno ? run.write_errno : EIO));
		status = 2;
	}
	/* stdout may hold buffered output for a closed pipe: do not let the
	 * exit-time flush turn into an error message */
	if (run.stopped)
		fclose(stdout);
	return status;
}
