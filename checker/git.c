/* git.c - what the CLI asks of git: staged files and their content, and the pre-commit hook it installs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "postlint.h"

/* The line that marks a hook as postlint's own, so that installing again
 * replaces it without --force. */
#define HOOK_MARK "# postlint pre-commit hook"

/*
 * Runs git with ARGV (no shell: paths are passed as they are) and keeps
 * its standard output, up to LIMIT bytes.  *OUT is NUL-terminated; caller
 * frees.  Returns git's exit status, -1 when git could not be run, or -2
 * when the output exceeded LIMIT.  git's own messages go to stderr.
 */
static int
capture(char *const argv[], char **out, size_t *len, size_t limit, int quiet)
{
	int fd[2], status, over = 0;
	size_t n = 0, cap = 4096;
	char *buf;
	pid_t pid;
	ssize_t k;

	*out = NULL;
	*len = 0;
	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		close(fd[0]);
		if (dup2(fd[1], STDOUT_FILENO) < 0)
			_exit(127);
		close(fd[1]);
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, STDERR_FILENO);
		}
		execvp("git", argv);
		_exit(127);
	}
	close(fd[1]);
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > limit) {
				over = 1;
				n = 0;   /* keep draining so git is not blocked */
			} else {
				cap *= 2;
				buf = xrealloc(buf, cap);
			}
		}
		k = read(fd[0], buf + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			free(buf);
			return -1;
		}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	if (over)
		return -2;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

int
git_capture(char *const argv[], char **out, size_t *len, size_t limit)
{
	return capture(argv, out, len, limit, 0);
}

/* One line of git output (the trailing newline dropped), or NULL; git's
 * own messages are not shown: the caller words the failure. */
static char *
git_line(char *const argv[])
{
	char *out;
	size_t len;

	if (capture(argv, &out, &len, 1 << 20, 1) != 0) {
		free(out);
		return NULL;
	}
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return out;
}

/* Appends S to B as one single-quoted shell word. */
static void
shell_word(char **b, size_t *n, const char *s)
{
	size_t need = *n + 4 * strlen(s) + 4;

	*b = xrealloc(*b, need + 1);
	(*b)[(*n)++] = ' ';
	(*b)[(*n)++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(*b + *n, "'\\''", 4);
			*n += 4;
		} else
			(*b)[(*n)++] = *s;
	}
	(*b)[(*n)++] = '\'';
	(*b)[*n] = '\0';
}

/* The hook as postlint writes it: HOOK_HEAD, the binary as one shell
 * word, HOOK_MID, the options as shell words, a newline. */
#define HOOK_HEAD "#!/bin/sh\n" \
	HOOK_MARK ", written by postlint --install-hook.\n" \
	"# It checks the staged version of every added or modified post\n" \
	"# file, so a commit of a failing post is refused.  To commit\n" \
	"# anyway, once: git commit --no-verify\n" \
	"postlint="
#define HOOK_MID "\n[ -x \"$postlint\" ] || postlint=postlint\n" \
	"exec \"$postlint\" --staged"

static char *
hook_text(const struct cli *cli)
{
	char self[PATH_MAX], *b = NULL, *opts = xstrdup(""), *text;
	size_t n = 0, size;
	ssize_t k;
	int i;

	/* the options given with --install-hook, but for it and --force */
	for (i = 1; i < cli->argc; i++)
		if (strcmp(cli->argv[i], "--install-hook") != 0 &&
		    strcmp(cli->argv[i], "--force") != 0)
			shell_word(&opts, &n, cli->argv[i]);
	if ((k = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		k = 0;
	self[k] = '\0';
	n = 0;
	shell_word(&b, &n, self);   /* b is set by the first realloc */
	size = strlen(b) + strlen(opts) + sizeof(HOOK_HEAD) + sizeof(HOOK_MID) + 2;
	text = xmalloc(size);
	snprintf(text, size, "%s%s%s%s\n", HOOK_HEAD, b + 1, HOOK_MID, opts);
	free(b);
	free(opts);
	return text;
}

/* Past one single-quoted shell word as shell_word writes it at S, or
 * NULL when S does not start with one. */
static const char *
skip_word(const char *s)
{
	if (*s++ != '\'')
		return NULL;
	for (;;) {
		if (*s == '\0' || *s == '\n')
			return NULL;
		if (strncmp(s, "'\\''", 4) == 0)
			s += 4;
		else if (*s == '\'')
			return s + 1;
		else
			s++;
	}
}

/* Whether TEXT is exactly a hook that postlint --install-hook writes
 * (with any binary and options): only such a hook is replaced without
 * --force, so a hook the user edited, or another tool's hook that quotes
 * postlint's marker, is kept. */
static int
is_our_hook(const char *text)
{
	const char *p = text;

	if (strncmp(p, HOOK_HEAD, strlen(HOOK_HEAD)) != 0 ||
	    (p = skip_word(p + strlen(HOOK_HEAD))) == NULL ||
	    strncmp(p, HOOK_MID, strlen(HOOK_MID)) != 0)
		return 0;
	p += strlen(HOOK_MID);
	while (*p == ' ')
		if ((p = skip_word(p + 1)) == NULL)
			return 0;
	return strcmp(p, "\n") == 0;
}

static int
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Creates DIR and its missing parents. */
static int
mkdirs(const char *dir)
{
	char p[PATH_MAX];
	size_t i;

	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p))
		return -1;
	for (i = 1; p[i] != '\0'; i++)
		if (p[i] == '/') {
			p[i] = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST)
				return -1;
			p[i] = '/';
		}
	return mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/*
 * --install-hook: writes the hook where git looks for hooks (so
 * core.hooksPath and worktrees are honoured), through a temporary file in
 * the same directory renamed over the old one: a reader never sees half a
 * hook, and a symlink at the hook's place is replaced, never followed.
 */
int
git_install_hook(const struct cli *cli)
{
	char *hooks_argv[] = { "git", "rev-parse", "--git-path", "hooks", NULL };
	char *dir = git_line(hooks_argv), path[PATH_MAX], tmp[PATH_MAX];
	char *text, *old = NULL;
	struct stat st;
	int fd, status = 2;

	if (dir == NULL) {
		fputs("postlint: --install-hook: git cannot name this "
		    "repository's hooks folder: not a git repository, or one that "
		    "git refuses to use (owned by another user: see git help "
		    "config, safe.directory); nothing was installed\n", stderr);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/pre-commit", dir);
	text = hook_text(cli);
	if (lstat(path, &st) == 0) {
		FILE *fp;
		long sz;

		if (S_ISREG(st.st_mode) && (fp = fopen(path, "rb")) != NULL) {
			if (fseek(fp, 0, SEEK_END) == 0 && (sz = ftell(fp)) >= 0 &&
			    sz < (1 << 20) && fseek(fp, 0, SEEK_SET) == 0) {
				old = xmalloc((size_t)sz + 1);
				old[fread(old, 1, (size_t)sz, fp)] = '\0';
			}
			fclose(fp);
		}
		if (old != NULL && strcmp(old, text) == 0) {
			printf("postlint: %s: the hook is already installed\n", path);
			status = 0;
			goto done;
		}
		if (!cli->force && (old == NULL || !is_our_hook(old))) {
			cli_warn("%s: %s; it is kept (--force replaces it)", path,
			    old != NULL && strstr(old, HOOK_MARK) != NULL ?
			    "the hook is not as postlint wrote it (edited, or "
			    "another tool's)" : "another pre-commit hook is there");
			goto done;
		}
	} else if (errno != ENOENT) {
		cli_warn("%s: %s", path, strerror(errno));
		goto done;
	}
	if (mkdirs(dir) != 0) {
		cli_warn("%s: %s", dir, strerror(errno));
		goto done;
	}
	snprintf(tmp, sizeof(tmp), "%s/.pre-commit.XXXXXX", dir);
	if ((fd = mkstemp(tmp)) < 0) {
		cli_warn("%s: cannot write the hook in this folder (%s); "
		    "nothing was installed", dir, strerror(errno));
		goto done;
	}
	if (write_all(fd, text, strlen(text)) != 0 || fchmod(fd, 0755) != 0 ||
	    fsync(fd) != 0 || close(fd) != 0) {
		cli_warn("%s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto done;
	}
	if (rename(tmp, path) != 0) {
		cli_warn("%s: %s", path, strerror(errno));
		unlink(tmp);
		goto done;
	}
	printf("postlint: installed the pre-commit hook at %s\n", path);
	status = 0;
done:
	free(old);
	free(text);
	free(dir);
	return status;
}

/*
 * The paths of added, copied and modified files in the index, relative to
 * the top of the working tree (where git runs hooks).  Renames count as
 * additions.  NUL-separated in *LIST; returns how many, or -1.
 */
long
git_staged_paths(char **list, size_t *len)
{
	char *argv[] = { "git", "diff", "--cached", "--name-only", "-z",
		"--no-renames", "--diff-filter=ACM", NULL };
	size_t i;
	long n = 0;

	if (git_capture(argv, list, len, (size_t)1 << 30) != 0) {
		free(*list);
		*list = NULL;
		return -1;
	}
	for (i = 0; i < *len; i++)
		if ((*list)[i] == '\0')
			n++;
	return n;
}

/* The top of the working tree; NULL outside one.  Caller frees. */
char *
git_toplevel(void)
{
	char *argv[] = { "git", "rev-parse", "--show-toplevel", NULL };

	return git_line(argv);
}

/* The staged content of PATH (stage 0), up to LIMIT bytes: 0, -1 when git
 * failed, -2 when larger than LIMIT. */
int
git_staged_blob(const char *path, char **buf, size_t *len, size_t limit)
{
	char *spec = xmalloc(strlen(path) + 4), *argv[5];
	int r;

	sprintf(spec, ":0:%s", path);
	argv[0] = "git";
	argv[1] = "cat-file";
	argv[2] = "blob";
	argv[3] = spec;
	argv[4] = NULL;
	r = git_capture(argv, buf, len, limit);
	free(spec);
	return r;
}
