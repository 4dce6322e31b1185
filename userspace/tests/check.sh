#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Self-check of nfvctl that needs no kernel module: options, argument
# errors (which must be caught before anything is sent), batch files, and
# the "module not loaded" path. Exit status: 1 for a usage error, 2 for an
# error the kernel returned (no family). make check runs it on
# tests/nfvctl-nofamily, nfvctl built to ask for a family no module
# registers, so that it runs the same whether or not the nfv module is
# loaded on the machine.
#
# Usage: tests/check.sh [path/to/nfvctl]

NFVCTL=${1:-./nfvctl}
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# run RC STDERR-SUBSTRING ARGS...: exit code and message on stderr; an
# argument error prints nothing on stdout.
run() {
	want_rc=$1 want_err=$2
	shift 2
	"$NFVCTL" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		bad "nfvctl $*: exit $rc, want $want_rc"
	elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$TMP/err"; then
		bad "nfvctl $*: stderr lacks '$want_err'"
	elif [ "$want_rc" -ne 0 ] && [ -s "$TMP/out" ]; then
		bad "nfvctl $*: output on stdout after an error"
	else
		pass=$((pass + 1))
		return 0
	fi
	return 1
}

bad() {
	fail=$((fail + 1))
	echo "FAIL: $1"
	sed 's/^/    stderr: /' "$TMP/err"
	sed 's/^/    stdout: /' "$TMP/out"
}

# no_err SUBSTRING: the last command's stderr does not hold it
no_err() {
	if grep -qF -- "$1" "$TMP/err"; then
		bad "stderr has '$1'"
	else
		pass=$((pass + 1))
	fi
}

# out SUBSTRING: the last command's stdout holds it
out() {
	if grep -qF -- "$1" "$TMP/out"; then
		pass=$((pass + 1))
	else
		bad "stdout lacks '$1'"
	fi
}

# A command line that parses must fail only for the missing module: the
# kernel's answer, exit status 2. An nfvctl that finds its family cannot
# be checked here.
"$NFVCTL" dp show >/dev/null 2>"$TMP/probe"
if ! grep -q "module not loaded" "$TMP/probe"; then
	echo "FAIL: $NFVCTL found its netlink family; run this on tests/nfvctl-nofamily"
	exit 1
fi
NOMOD="nfv module not loaded (generic netlink family"
parses() { run 2 "nfvctl: $NOMOD" "$@"; }

# Options
run 0 "" -h && out "Usage: nfvctl"
run 0 "" --help && out "dp add NAME"
run 0 "" -V && out "nfvctl $(cat "$(dirname "$0")/../../VERSION") "
run 0 "" --version && out "(nfv netlink ABI version "
run 0 "" help && out "monitor"
run 1 "Usage: nfvctl"
run 1 'unknown option "-x"' -x dp show
run 1 'unknown option "--bogus"' --bogus
run 1 'option "-b" needs an argument' -b
run 1 'option "-n" needs an argument' -n
run 1 'network namespace "nfv-no-such-ns": No such file or directory' \
	-n nfv-no-such-ns dp show
run 1 'network namespace "/nonexistent/net": No such file or directory' \
	--netns /nonexistent/net dp show
[ "$(id -u)" -ne 0 ] || parses -n /proc/self/ns/net dp show
run 1 'unknown object "frob" (try "nfvctl help")' frob

# dp
run 0 "" dp help && out "dp show [NAME]"
run 1 'dp: missing command (try "nfvctl dp help")' dp
run 1 'dp: unknown command "frob"' dp frob
run 1 'dp add: missing datapath name' dp add
run 1 'dp add: empty datapath name' dp add ""
run 1 'dp add: datapath name "0123456789abcdef" too long (at most 15 characters)' \
	dp add 0123456789abcdef
parses dp add 0123456789abcde
run 1 'dp add: missing value after "max-flows"' dp add dp0 max-flows
run 1 'dp add: invalid max-flows "abc"' dp add dp0 max-flows abc
run 1 'dp add: invalid max-flows "-1"' dp add dp0 max-flows -1
run 1 'dp add: invalid max-flows " 1"' dp add dp0 max-flows " 1"
run 1 'dp add: invalid max-flows "12x"' dp add dp0 max-flows 12x
run 1 'dp add: max-flows 0 out of range (1-16777216)' dp add dp0 max-flows 0
run 1 'dp add: max-flows 16777217 out of range' dp add dp0 max-flows 16777217
run 1 'dp add: max-flows 99999999999999999999999 out of range' \
	dp add dp0 max-flows 99999999999999999999999
parses dp add dp0 max-flows 16777216
run 1 'dp add: duplicate "max-flows"' dp add dp0 max-flows 1 max-flows 2
run 1 'dp add: missing value after "timeout"' dp add dp0 timeout
run 1 'dp add: unknown timeout class "tcp_opening"' dp add dp0 timeout tcp_opening 5
run 1 'dp add: missing value after "tcp"' dp add dp0 timeout tcp
run 1 'dp add: tcp timeout 0 out of range' dp add dp0 timeout tcp 0
run 1 'dp add: tcp-closing timeout 4294967296 out of range' \
	dp add dp0 timeout tcp-closing 4294967296
run 1 'dp add: duplicate "timeout udp"' dp add dp0 timeout udp 1 timeout udp 2
parses dp add dp0 timeout tcp 1 timeout tcp-opening 2 timeout tcp-closing 3 \
	timeout udp 4 timeout icmp 5 timeout other 6 max-flows 7
run 1 'dp add: unknown argument "frob"' dp add dp0 frob
run 1 'dp set: unknown argument "frob"' dp set dp0 max-flows 5 frob
parses dp set dp0
run 1 'dp del: missing datapath name' dp del
run 1 'dp del: unknown argument "dp1"' dp del dp0 dp1
parses dp delete dp0
run 1 'dp show: unknown argument "b"' dp show a b
parses dp show
parses dp show dp0
parses dp list

# port
run 0 "" port help && out "port add DP dev IFNAME [zone N]"
run 1 'port add: missing datapath name' port add
run 1 'port add: missing "dev IFNAME"' port add dp0
run 1 'port add: missing "dev IFNAME"' port add dp0 zone 1
run 1 'port add: missing value after "dev"' port add dp0 dev
run 1 'port add: device name "0123456789abcdef" too long (at most 15 characters)' \
	port add dp0 dev 0123456789abcdef
run 1 'port add: zone 65536 out of range (0-65535)' port add dp0 dev r0 zone 65536
run 1 'port add: invalid zone "x"' port add dp0 dev r0 zone x
run 1 'port add: duplicate "dev"' port add dp0 dev r0 dev r1
run 1 'port add: duplicate "zone"' port add dp0 dev r0 zone 1 zone 2
run 1 'port add: unknown argument "r0"' port add dp0 r0
parses port add dp0 dev r0
parses port add dp0 zone 65535 dev 0123456789abcde
run 0 "" port help && out "port add DP guest IFNAME [zone N]"
run 1 'port add: missing value after "guest"' port add dp0 guest
run 1 'port add: duplicate "dev"' port add dp0 guest g0 dev r0
parses port add dp0 guest vm0 zone 2
run 1 'port del: unknown argument "zone"' port del dp0 dev r0 zone 1
run 1 'port del: missing "dev IFNAME"' port del dp0
parses port del dp0 dev r0
run 1 'port show: missing datapath name' port show
run 1 'port show: unknown argument "x"' port show dp0 x
parses port show dp0

# chain
run 1 'chain: missing command' chain
run 1 'chain: unknown command "show"' chain show dp0
run 1 'chain set: missing "dev IFNAME"' chain set dp0
run 1 'chain set: missing "dev IFNAME"' chain set dp0 forward
run 1 'chain set: missing NF instance names' chain set dp0 dev r0
run 1 'chain set: chain of 9 NF instances is too long (at most 8)' \
	chain set dp0 dev r0 a b c d e f g h i
run 1 'chain set: NF instance name "0123456789abcdef" too long' \
	chain set dp0 dev r0 forward 0123456789abcdef
parses chain set dp0 dev r0 a b c d e f g h
parses chain set dp0 dev r0 forward

# nf
run 1 'nf add: missing NF instance name' nf add dp0
run 1 'nf add: missing "type TYPE"' nf add dp0 fw
run 1 'nf add: missing value after "type"' nf add dp0 fw type
run 1 'nf add: unknown argument "kind"' nf add dp0 fw kind x
run 1 'nf add: NF type "0123456789abcdef" too long' nf add dp0 fw type 0123456789abcdef
run 1 'nf add: duplicate "type"' nf add dp0 fw type a type b
parses nf add dp0 fw type forward
parses nf add dp0 ids type guest port vm1 fail open dead-after 500
parses nf set dp0 ids dead-after 0
run 1 'nf add: dead-after 3600001 out of range (0-3600000)' \
	nf add dp0 ids type guest port vm1 dead-after 3600001
run 1 'nf set: duplicate "dead-after"' nf set dp0 ids dead-after 1 dead-after 2
run 1 'nf add: "port", "fail" and "dead-after" are a guest step'"'"'s (type guest)' \
	nf add dp0 fw type forward dead-after 10
run 1 'nf del: unknown argument "x"' nf del dp0 fw x
run 1 'nf del: missing NF instance name' nf del dp0
parses nf del dp0 fw
parses nf show dp0

# fw
run 0 "" fw help && out "fw load DP NAME FILE"
run 1 'fw add: missing firewall instance name' fw add dp0
run 1 'fw add: policy is accept or drop' fw add dp0 fw1 policy reject
run 1 'fw add: unknown argument "frob"' fw add dp0 fw1 frob 1
run 1 'fw add: tcp-loose is on or off' fw add dp0 fw1 tcp-loose 1
parses fw set dp0 fw1 tcp-loose off
run 1 'fw rule add: missing rule' fw rule add dp0 fw1
run 1 'fw rule add: rule must end with accept, drop or reject' \
	fw rule add dp0 fw1 proto tcp dport 22
run 1 'fw rule add: words after the action (at "drop")' \
	fw rule add dp0 fw1 drop proto tcp
run 1 'fw rule add: prefix length 33 out of range (0-32)' \
	fw rule add dp0 fw1 src 10.0.0.0/33 drop
run 1 'fw rule add: addresses of two families in one rule' \
	fw rule add dp0 fw1 src 10.0.0.1 dst fd00::1 drop
run 1 'fw rule add: unknown state "bogus"' fw rule add dp0 fw1 ct state bogus drop
run 1 'fw rule add: bad rate "10/week"' \
	fw rule add dp0 fw1 limit-per-source 10/week accept
run 1 'fw rule add: bad rate "0/second"' \
	fw rule add dp0 fw1 limit-per-source 0/second accept
run 1 'fw rule add: "count-per-source" needs "over N"' \
	fw rule add dp0 fw1 count-per-source 20 drop
run 1 'fw rule add: limit-per-source and count-per-source are two rules' \
	fw rule add dp0 fw1 limit-per-source 1/s count-per-source over 2 drop
run 1 'fw rule add: burst needs limit-per-source' \
	fw rule add dp0 fw1 count-per-source over 2 burst 3 drop
run 1 'fw rule add: burst, meter-size and meter-v6-prefix need' \
	fw rule add dp0 fw1 meter-size 1024 drop
run 1 'fw rule add: port range "9-1" is backwards' fw rule add dp0 fw1 proto tcp dport 9-1 drop
run 1 'fw rule del: missing "pos N"' fw rule del dp0 fw1
run 1 'fw rule set: missing "pos N"' fw rule set dp0 fw1 accept
run 1 'fw load: missing FILE' fw load dp0 fw1
printf 'policy drop\nproto tcp frob 1 accept\n' > "$TMP/rules"
run 1 'fw load: line 2: bad rule' fw load dp0 fw1 "$TMP/rules"
printf '# ok\npolicy drop\nct state established accept\n' > "$TMP/rules"
parses fw load dp0 fw1 "$TMP/rules"
parses fw rule add dp0 fw1 pos 0 in-port 2 src fd00::/8 proto udp dport 53 accept
# in-port: all digits is a port number, anything else a device name, looked
# up in the datapath only once the whole rule has parsed.
run 0 "" fw help && out "[in-port N|IFNAME]"
run 1 'fw rule add: port 0 out of range (1-65534)' fw rule add dp0 fw1 in-port 0 drop
run 1 'fw rule add: port 65535 out of range (1-65534)' \
	fw rule add dp0 fw1 in-port 65535 drop
run 1 'fw rule add: empty device name' fw rule add dp0 fw1 in-port "" drop
run 1 'fw rule add: device name "0123456789abcdef" too long (at most 15 characters)' \
	fw rule add dp0 fw1 in-port 0123456789abcdef drop
run 1 'fw rule add: unknown rule keyword "frob"' \
	fw rule add dp0 fw1 in-port r0 frob 1 accept
run 1 'fw rule add: rule must end with accept, drop or reject' \
	fw rule add dp0 fw1 in-port r0 proto tcp
run 1 'fw rule set: port 0 out of range' fw rule set dp0 fw1 pos 1 in-port 0 drop
parses fw rule add dp0 fw1 in-port r0 proto tcp accept
parses fw rule set dp0 fw1 pos 2 in-port 0123456789abcde accept
parses fw rule add dp0 fw1 in-port 65534 accept
parses fw rule add dp0 fw1 in-port 1x accept
# fw load looks a name up as its line is read (the datapath's ports once).
printf 'in-port 1 accept\nin-port r1 frob drop\nin-port r0 accept\n' > "$TMP/rules"
run 1 'fw load: line 2: bad rule' fw load dp0 fw1 "$TMP/rules"
printf 'policy drop\nin-port 1 accept\nin-port r1 ct state new accept\n' > "$TMP/rules"
parses fw load dp0 fw1 "$TMP/rules"

# flow, stats, monitor
run 1 'flow: unknown command "frob"' flow frob dp0
run 1 'flow show: missing datapath name' flow show
run 1 'flow flush: unknown argument "x"' flow flush dp0 x
parses flow show dp0
parses flow flush dp0
run 1 'stats: missing datapath name' stats
run 1 'stats: unknown argument "x"' stats dp0 x
run 0 "" stats help && out "stats DP"
parses stats dp0
run 1 'monitor: unknown argument "x"' monitor x
parses monitor
parses -j dp show
parses -p port show dp0

# Batch files
B=$TMP/batch
printf '# a comment\n\n   \n\t# indented comment\ndp add 0123456789abcdef\ndp show\n' >"$B"
run 1 "nfvctl: $B:5: dp add: datapath name \"0123456789abcdef\" too long" -b "$B"
printf 'dp add # trailing comment hides the name\n' >"$B"
run 1 "nfvctl: $B:1: dp add: missing datapath name" -b "$B"
printf '\n\nfrob\n' >"$B"
run 1 "nfvctl: $B:3: unknown object \"frob\"" -b "$B"
printf '\nmonitor\n' >"$B"
run 1 "nfvctl: $B:2: monitor: not allowed in a batch file" -b "$B"
printf '# nothing\n\n' >"$B"
run 0 "" -b "$B"
: >"$B"
run 0 "" -b "$B"
run 1 "cannot open batch file $TMP/none" -b "$TMP/none"
run 1 "no command arguments with -b" -b "$B" dp show
printf 'dp frob\n' | "$NFVCTL" -b - >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 1 ] && grep -qF 'nfvctl: -:1: dp: unknown command "frob"' "$TMP/err"; then
	pass=$((pass + 1))
else
	bad "batch from stdin"
fi
# A batch stops at its first failed command, with that command's status;
# with --force it runs them all and exits with the highest status.
printf 'dp frob\ndp add 0123456789abcdef\n' >"$B"
run 1 "nfvctl: $B:1: dp: unknown command \"frob\"" -b "$B" &&
	no_err "$B:2:"
run 1 "nfvctl: $B:2: dp add: datapath name" --force -b "$B"
run 1 'no command arguments with -b' --force -b "$B" dp show
printf '# first command\n  dp   add\tdp0   max-flows 10  \r\ndp show\n' >"$B"
run 2 "nfvctl: $B:2: $NOMOD" -b "$B" && no_err "$B:3:"
run 2 "nfvctl: $B:3: $NOMOD" --force -b "$B"
printf 'dp show\ndp frob\n' >"$B"
run 2 "nfvctl: $B:2: dp: unknown command" --force -b "$B"
printf 'dp frob\ndp show\n' >"$B"
run 2 "nfvctl: $B:1: dp: unknown command" --force -b "$B"

# Batch lines and rule files split into words alike (as "ip -batch"):
# same_words TEXT ERROR: "fw rule add dp0 fw1 TEXT" in a batch and TEXT in
# a rule file both fail with ERROR on line 1.
same_words() {
	printf 'fw rule add dp0 fw1 %s\n' "$1" >"$B"
	run 1 "nfvctl: $B:1: fw rule add: $2" -b "$B"
	printf '%s\n' "$1" >"$TMP/rules"
	run 1 "fw load: $2" fw load dp0 fw1 "$TMP/rules" &&
		run 1 "fw load: line 1: " fw load dp0 fw1 "$TMP/rules"
}
same_words 'src "10.0.0.0/33" drop # comment' \
	'prefix length 33 out of range (0-32)'
same_words "src '10.0.0.1' dst \"fd00::1\" drop" \
	'addresses of two families in one rule'
same_words 'proto tcp dport 9-1#comment accept' 'port range "9-1" is backwards'
same_words 'in-port "" drop' 'empty device name'
same_words 'in-port "r0 and some blanks" drop' \
	'device name "r0 and some blanks" too long'
same_words "in-port 'say \"hi\" to them' drop" \
	'device name "say "hi" to them" too long'
same_words 'in-port a"b"c-and-some-more drop' \
	'device name "a"b"c-and-some-more" too long'
same_words 'in-port "ab"cd drop' 'unknown rule keyword "cd"'
same_words 'in-port r\0-and-some-more drop' \
	'device name "r\0-and-some-more" too long'
same_words 'proto tcp \
	dport 9-1 drop' 'port range "9-1" is backwards'
same_words 'proto tcp # \
	dport 9-1 drop' 'rule must end with accept, drop or reject'
# An unclosed quote, and a '#' inside quotes, leave the line unsplit.
for line in 'src "10.0.0.1 drop' "in-port 'a#b' drop"; do
	printf '# one\nfw rule add dp0 fw1 %s\n' "$line" >"$B"
	run 1 "nfvctl: $B:2: unterminated quoted string" -b "$B"
	printf 'policy drop\n%s\n' "$line" >"$TMP/rules"
	run 1 "fw load: line 2: unterminated quoted string" \
		fw load dp0 fw1 "$TMP/rules"
done
printf 'dp show\0 x\n' >"$B"
run 1 "nfvctl: $B:1: NUL byte in line" -b "$B"
run 1 "fw load: line 1: NUL byte in line" fw load dp0 fw1 "$B"
# A joined line counts as the one it starts on; the next line after it.
printf 'dp add \\\n  0123456789abcdef\ndp \\\n\\\n frob\n' >"$B"
run 1 "nfvctl: $B:1: dp add: datapath name \"0123456789abcdef\" too long" \
	--force -b "$B" && no_err "$B:2:"
grep -qF "nfvctl: $B:3: dp: unknown command \"frob\"" "$TMP/err" &&
	pass=$((pass + 1)) || bad "joined lines: line 3 not named"

# No line length limit: a 100 KB line is read whole, in both.
blanks=$(head -c 102400 /dev/zero | tr '\0' ' ')
printf 'dp add%s0123456789abcdef\ndp frob\n' "$blanks" >"$B"
run 1 "nfvctl: $B:1: dp add: datapath name \"0123456789abcdef\" too long" \
	--force -b "$B" &&
	run 1 "nfvctl: $B:2: dp: unknown command \"frob\"" --force -b "$B"
printf '#%s\nproto tcp%sdport 9-1 drop\n' "$blanks" "$blanks" >"$TMP/rules"
run 1 'fw load: port range "9-1" is backwards' fw load dp0 fw1 "$TMP/rules" &&
	run 1 'fw load: line 2: bad rule' fw load dp0 fw1 "$TMP/rules"
# and no limit on the number of words
printf 'chain set dp0 dev r0 %s\n' "$(seq -s ' ' 1 40)" >"$B"
run 1 "nfvctl: $B:1: chain set: chain of 40 NF instances is too long" -b "$B"
printf 'proto tcp %s drop\n' "$(seq -s ' ' 1 40)" >"$TMP/rules"
run 1 'fw load: unknown rule keyword "1"' fw load dp0 fw1 "$TMP/rules"

echo "nfvctl check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
