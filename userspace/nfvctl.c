// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl: configures the nfv datapath over generic netlink.
 * Options, the object dispatch and batch files.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "nfvctl.h"

#ifndef NFVCTL_VERSION
#define NFVCTL_VERSION	"unknown"
#endif

struct nfvctl_opts opts;

static const struct object {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *f);
} objects[] = {
	{ "dp",		do_dp,		usage_dp },
	{ "port",	do_port,	usage_port },
	{ "chain",	do_chain,	usage_chain },
	{ "nf",		do_nf,		usage_nf },
	{ "fw",		do_fw,		usage_fw },
	{ "cgnat",	do_cgnat,	usage_cgnat },
	{ "flow",	do_flow,	usage_flow },
	{ "stats",	do_stats,	usage_stats },
	{ "monitor",	do_monitor,	usage_monitor },
};

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: nfvctl [OPTIONS] OBJECT COMMAND [ARGS...]\n"
	      "       nfvctl [OPTIONS] -b FILE\n"
	      "Options:\n"
	      "  -j, --json          JSON output\n"
	      "  -p, --pretty        pretty-printed JSON output (implies -j)\n"
	      "  -b, --batch FILE    run the commands in FILE (- for stdin)\n"
	      "      --force         in a batch, go on after a failed command\n"
	      "  -n, --netns NETNS   in network namespace NETNS (a name of\n"
	      "                      \"ip netns\", or a path)\n"
	      "  -V, --version       print the version and exit\n"
	      "  -h, --help          print this help and exit\n"
	      "Objects and commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		objects[i].usage(f);
}

/*
 * Exit statuses, as iproute2's: a usage error (bad arguments, an unknown
 * command, a file that cannot be read) is 1, an error the kernel returned
 * (including no nfv family) 2.
 */
#define EXIT_USAGE	1
#define EXIT_KERNEL	2

/* A command's exit status from its return value. */
static int cmd_status(int err)
{
	bool refused = nfv_refused();	/* and forget it */

	if (!err)
		return 0;
	return refused ? EXIT_KERNEL : EXIT_USAGE;
}

/* Runs one command line without the program name. */
static int do_cmd(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (matches(argv[0], objects[i].name))
			return objects[i].run(argc - 1, argv + 1);
	if (matches(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	err_msg("unknown object \"%s\" (try \"nfvctl help\")", argv[0]);
	return -1;
}

/* List output: a JSON array opened with its first element. */
void list_elem(struct list_out *l)
{
	if (opts.json && !l->n)
		jw_arr_open(NULL);
	l->n++;
}

/* Closes the array; an empty one is printed unless the command failed. */
void list_end(struct list_out *l, int err)
{
	if (!opts.json)
		return;
	if (l->n) {
		jw_arr_close();
	} else if (!err) {
		jw_arr_open(NULL);
		jw_arr_close();
	}
}

/*
 * Runs the file's commands up to the first that fails, or with --force all
 * of them, as "ip -batch [-force]". Returns the exit status: the failed
 * command's, with --force the highest any had.
 */
static int batch_lines(FILE *f)
{
	struct cmd_reader r = { .f = f };
	int argc, st, ret = 0;

	while ((argc = cmd_read(&r)) != -1) {
		opts.batch_line = r.lineno;
		if (argc < 0) {
			err_msg("%s", r.err);
			st = EXIT_USAGE;
		} else if (!argc) {
			continue;
		} else if (matches(r.argv[0], "monitor")) {
			st = cmd_status(usage_err("monitor",
						  "not allowed in a batch file"));
		} else {
			st = cmd_status(do_cmd(argc, r.argv));
		}
		if (st > ret)
			ret = st;
		if (st && !opts.force)
			break;
	}
	if (argc == -1 && r.err) {
		opts.batch_line = r.next;
		err_msg("read error: %s", r.err);
		ret = ret > EXIT_USAGE ? ret : EXIT_USAGE;
	}
	cmd_reader_free(&r);
	return ret;
}

static int do_batch(const char *name)
{
	FILE *f = stdin;
	int err;

	if (strcmp(name, "-")) {
		f = fopen(name, "r");
		if (!f) {
			err_msg("cannot open batch file %s: %s", name,
				strerror(errno));
			return EXIT_USAGE;
		}
	}
	opts.batch_file = name;
	err = batch_lines(f);
	opts.batch_file = NULL;
	if (f != stdin)
		fclose(f);
	return err;
}

static const struct option long_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "pretty",	no_argument,		NULL, 'p' },
	{ "batch",	required_argument,	NULL, 'b' },
	{ "netns",	required_argument,	NULL, 'n' },
	{ "force",	no_argument,		NULL, 'F' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 },
};

/*
 * -n NETNS: join a network namespace as "ip -n" does, by its name under
 * /run/netns or by a path (/proc/PID/ns/net), before the first request.
 */
static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, n, err;

	if (strchr(name, '/'))
		n = snprintf(path, sizeof(path), "%s", name);
	else
		n = snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		err_msg("network namespace \"%s\": name too long", name);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_msg("network namespace \"%s\": %s", name, strerror(errno));
		return -1;
	}
	err = setns(fd, CLONE_NEWNET) ? errno : 0;
	close(fd);
	if (err) {
		err_msg("network namespace \"%s\": setns: %s", name,
			strerror(err));
		return -1;
	}
	return 0;
}

/* nfvctl's version and, if it is loaded, the module's. */
static void print_version(void)
{
	char ver[64] = "";
	FILE *f;

	printf("nfvctl %s (nfv netlink ABI version %u)\n", NFVCTL_VERSION,
	       (unsigned int)NFV_GENL_VERSION);
	f = fopen("/sys/module/nfv/version", "r");
	if (!f)
		return;
	if (fgets(ver, sizeof(ver), f)) {
		ver[strcspn(ver, "\n")] = 0;
		printf("nfv module %s\n", ver);
	}
	fclose(f);
}

/* Returns the batch file, "" for none, NULL after an error or -V/-h. */
static const char *parse_opts(int argc, char **argv, int *ret)
{
	const char *batch = "";
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jpb:n:Vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.json = opts.pretty = true;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'F':
			opts.force = true;
			break;
		case 'n':
			if (enter_netns(optarg)) {
				*ret = EXIT_USAGE;
				return NULL;
			}
			break;
		case 'V':
			print_version();
			return NULL;
		case 'h':
			usage(stdout);
			return NULL;
		case ':':
			err_msg("option \"%s\" needs an argument (try \"nfvctl -h\")",
				argv[optind - 1]);
			*ret = EXIT_USAGE;
			return NULL;
		default:
			err_msg("unknown option \"%s\" (try \"nfvctl -h\")",
				argv[optind - 1]);
			*ret = EXIT_USAGE;
			return NULL;
		}
	}
	return batch;
}

static int run(int argc, char **argv)
{
	const char *batch;
	int ret = 0;

	batch = parse_opts(argc, argv, &ret);
	if (!batch)
		return ret;
	argc -= optind;
	argv += optind;
	jw_init(stdout, opts.pretty);
	if (*batch) {
		if (argc) {
			err_msg("no command arguments with -b (try \"nfvctl -h\")");
			return EXIT_USAGE;
		}
		return do_batch(batch);
	}
	if (!argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return cmd_status(do_cmd(argc, argv));
}

int main(int argc, char **argv)
{
	int ret = run(argc, argv);

	nfv_close();
	if (fflush(stdout) || ferror(stdout)) {
		err_msg("write error on standard output");
		if (!ret)
			ret = EXIT_USAGE;
	}
	return ret;
}
