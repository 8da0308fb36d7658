#!/usr/bin/env bash
# run.sh — the public page (web/, yh_page_html) in a real browser: Debian's chromium, headless.
#
# For every vector of fixtures/vectors the page (made by mkpage from draw.json, with
# results.json where there is one) must reach data-verdict="ok" on #verdict, as the C
# verifier and tests/vectors/check_spec.py do; with the three register files embedded it must
# recompute the roots, the selection and the teams; tampered documents (re-signed with the
# test vectors' key by tests/cli/resign*.py, or not re-signed) and a tampered register row
# must give data-verdict="fail" naming the check that caught them, and `yaohao verify` must
# refuse the same documents.  With the registers the results' picks (§18.2, §18.3) are
# recomputed: a re-signed replacement or substitute's team changed fails 'picks'.  Entity
# proofs (`yaohao prove` on the demo's store, §14) embedded in the page get the verdict
# `yaohao verify-proof` gives, also each way check_spec.py's PROOF_TAMPERS break §14's list
# rule and an absent id the document lists as a reserve; the search box opens at the entity of
# an embedded or dropped proof and shows its verdict.  `yaohao prove --html` writes the page
# for an entity (a tampered embedded proof fails).  #lang=en clicks the English toggle.  The
# page must make no network request (Chromium's net log).
# The demo's two pages must verify; their screenshots, and the entity page's, are left in $OUT_DIR
# for a reviewer.
#
# Environment (tests/CMakeLists.txt): MKPAGE, YAOHAO, FIXTURES, CLI_TESTS, OUT_DIR.
# Without chromium this test FAILS (./dev installs it); it never skips.
set -u
: "${MKPAGE:?}" "${YAOHAO:?}" "${FIXTURES:?}" "${CLI_TESTS:?}" "${OUT_DIR:?}"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
	echo "FAIL: chromium is not installed; ./dev installs Debian's chromium (apt-get install chromium)" >&2
	exit 1
fi
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3   # Debian's, with python3-nacl (./dev installs it)
"$PY" -c "import nacl.signing" 2>/dev/null || { echo "FAIL: PyNaCl is missing (./dev installs python3-nacl)" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/yaohao-web-XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$OUT_DIR"
V=$FIXTURES/vectors
passed=0 failed=0
printf 'yaohao-secret-key-v1\n%s\n' "$(printf 'yaohao test vector key' | sha256sum | cut -c 1-64)" > "$T/vk.key"

# browse PAGE [chromium options...]: loads the page headless until its checks are done and
# leaves the DOM in PAGE.dom.  Virtual time runs the page's timers at once; WebCrypto's
# promises are waited for.
# FRAGMENT (e.g. "#lang=en") is added to the address when set.
browse() {
	local page=$1; shift
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$T/profile-XXXXXX")" --virtual-time-budget=600000 \
		"$@" --dump-dom "file://$page${FRAGMENT:-}" < /dev/null > "$page.dom" 2>> "$T/chromium.log"
}

# verdict PAGE.dom: "VERDICT FAILED-CHECKS DONE" from #verdict, then one line per check
# "CHECK=STATUS", one per entity proof "proof ENTITY=VERDICT|FAILED-CHECKS", the search box
# "search-query=TEXT", the entity its result found "search-result=ENTITY", one line per proof
# verdict in that result "search ENTITY=VERDICT|FAILED-CHECKS", and "dropped=1" once a test's
# drop (drop_page) has shown its proof in the search.
read_dom() {
	"$PY" - "$1" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.v = None; self.checks = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "verdict":
            self.v = a
        if "data-check" in a:
            self.checks.append((a["data-check"], a.get("data-status")))
        if "data-proof-verdict" in a:
            self.checks.append(("proof " + a.get("data-entity", ""), a["data-proof-verdict"] + "|" + a.get("data-failed", "")))
        if a.get("id") == "search":
            self.checks.append(("search-query", a.get("value", "")))
        if a.get("id") == "search-result":
            self.checks.append(("search-result", a.get("data-entity", "")))
        if "data-search-proof" in a:
            self.checks.append(("search " + a.get("data-entity", ""), a["data-search-proof"] + "|" + a.get("data-failed", "")))
        if tag == "body" and "data-dropped" in a:
            self.checks.append(("dropped", a["data-dropped"]))
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
v = p.v or {}
print((v.get("data-verdict") or "missing") + "|" + (v.get("data-failed") or "") + "|" + (v.get("data-done") or ""))
for c, s in p.checks:
    print(c + "=" + s)
PY
}

pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect PAGE ok|fail [CHECK-THAT-FAILED] [CHECK=STATUS ...]
expect() {
	local page=$1 want=$2 what; shift 2
	browse "$page"
	local out; out=$(read_dom "$page.dom")
	local head=${out%%$'\n'*} verdict failedlist done
	IFS='|' read -r verdict failedlist done <<< "$head"
	what="$(basename "$page"): verdict $verdict${failedlist:+ (failed: $failedlist)}"
	if [ "$done" != 1 ]; then fail "$what: the page did not finish its checks"; return; fi
	if [ "$verdict" != "$want" ]; then fail "$what, expected $want"; return; fi
	if [ "$want" = fail ] && [ $# -gt 0 ]; then
		case ",$failedlist," in *",$1,"*) ;; *) fail "$what: expected the check '$1' to fail"; return ;; esac
		shift
	fi
	local c
	for c in "$@"; do
		grep -qxF "$c" <<< "$out" || { fail "$what: expected $c"; return; }
	done
	pass "$what"
}

# c_refuses DESC ARGS...: yaohao verify must refuse (nonzero exit) what the page refused.
c_refuses() {
	local desc=$1; shift
	if "$YAOHAO" verify "$@" > "$T/c.out" 2>&1; then fail "yaohao verify accepts $desc"; else pass "yaohao verify refuses $desc"; fi
}

resign() { "$PY" "$CLI_TESTS/resign.py" "$@"; }

echo "== every vector verifies (the C verifier and check_spec.py agree on them: vectors.*)"
for dir in "$V"/*/; do
	name=$(basename "$dir")
	[ -f "$dir/draw.json" ] || continue
	args=() picks=()
	[ -f "$dir/results.json" ] && args=(--results "$dir/results.json") && picks=(picks=ok)
	"$MKPAGE" "$T/$name.html" "$dir/draw.json" "${args[@]}" || { fail "mkpage $name"; continue; }
	expect "$T/$name.html" ok signature=ok tickets=ok "selection rules=ok"
	"$MKPAGE" "$T/$name-registers.html" "$dir/draw.json" "${args[@]}" \
		--registers "$dir/entities.csv" "$dir/inspectors.csv" "$dir/conflicts.csv" || { fail "mkpage $name"; continue; }
	expect "$T/$name-registers.html" ok "entity register=ok" "officer register=ok" "conflict register=ok" \
		eligibility=ok strata=ok selection=ok teams=ok "${picks[@]}"
done

echo "== tampered draw documents fail, naming the check"
F=$V/food
tamper() { # NAME CHECK [resign edits...]: a re-signed tamper of the food vector
	local name=$1 chk=$2; shift 2
	resign "$F/draw.json" "$T/$name.json" "$T/vk.key" "$@" || { fail "resign $name"; return; }
	"$MKPAGE" "$T/$name.html" "$T/$name.json" && expect "$T/$name.html" fail "$chk"
	c_refuses "$name" "$T/$name.json"
}
other_id=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["reserves"][0]["id"])' "$F/draw.json")
tamper ticket tickets "selected.2.ticket=\"$(printf '0%.0s' {1..64})\""
tamper id tickets "selected.0.id=\"$other_id\""
tamper member tickets "selected.0.team.1.id=\"33010020200001\""
tamper cutoff "selection rules" "strata.1.cutoff=\"$(printf 'f%.0s' {1..64})\""
tamper size "selection rules" "strata.2.selected=6"
tamper load-cap "selection rules" "load_cap=1"
tamper secret commitment "secret=\"$(printf '1%.0s' {1..64})\""
tamper entropy seed 'entropy_value="another value"'
tamper task "task digest" 'task.title="another title"'

# not re-signed: any change breaks the signature
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["selected"][0]["name"]="某某公司"; json.dump(d,open(sys.argv[2],"w"),ensure_ascii=False)' \
	"$F/draw.json" "$T/unsigned.json"
"$MKPAGE" "$T/unsigned.html" "$T/unsigned.json" && expect "$T/unsigned.html" fail signature
c_refuses "an unsigned change" "$T/unsigned.json"

# a team member swapped for another officer, its pair ticket recomputed and the team put back
# in pair-ticket order, re-signed: only the teams' replay from the registers can catch it
"$PY" - "$F/draw.json" "$T/swap-edit.json" <<'PY'
import hashlib, json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
seed = bytes.fromhex(d["seed"])
def pair(e, o):
    return hashlib.sha256(seed + b"yaohao:pair:v2".ljust(32, b"\0") + e.encode() + o.encode()).hexdigest()
load = {}
for s in d["selected"]:
    for m in s["team"]:
        load[m["id"]] = load.get(m["id"], 0) + 1
e = d["selected"][0]
ids = {m["id"] for m in e["team"]}
new = next(m for s in d["selected"][1:] for m in s["team"] if m["id"] not in ids and load[m["id"]] < d["load_cap"])
team = [m for m in e["team"] if m["role"] == "leader"] + [dict(new)]
for m in team:
    m["pair_ticket"] = pair(e["id"], m["id"])
team.sort(key=lambda m: (m["pair_ticket"], m["id"]))
for i, m in enumerate(team):
    m["role"] = "leader" if i == 0 else "member"
e["team"] = team
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
resign "$T/swap-edit.json" "$T/swap.json" "$T/vk.key"
"$MKPAGE" "$T/swap.html" "$T/swap.json" && expect "$T/swap.html" ok   # the document alone cannot tell
"$MKPAGE" "$T/swap-registers.html" "$T/swap.json" --registers "$F/entities.csv" "$F/inspectors.csv" "$F/conflicts.csv" &&
	expect "$T/swap-registers.html" fail teams
c_refuses "the swapped member with the registers" "$T/swap.json" --entities "$F/entities.csv" \
	--inspectors "$F/inspectors.csv" --conflicts "$F/conflicts.csv"

echo "== a tampered register row fails the root"
sed '5s/,active,/,suspended,/' "$F/entities.csv" > "$T/entities-tampered.csv"
cmp -s "$F/entities.csv" "$T/entities-tampered.csv" && fail "the register tamper changed nothing"
"$MKPAGE" "$T/row.html" "$F/draw.json" --registers "$T/entities-tampered.csv" "$F/inspectors.csv" "$F/conflicts.csv" &&
	expect "$T/row.html" fail "entity register"
c_refuses "a tampered register row" "$F/draw.json" --entities "$T/entities-tampered.csv"

echo "== a register file with a NUL byte inside a field is refused (§1)"
# The embedded registers are C strings, so the page's own reader is called on bytes here.
WEB=$(cd "$(dirname "$0")/../../web" && pwd)
cat > "$T/nul.html" <<HTML
<!DOCTYPE html><html><body><pre id="out">pending</pre>
<script src="file://$WEB/sha.js"></script><script src="file://$WEB/replay.js"></script>
<script>
(async () => {
  const head = REGISTERS.conflicts.columns.join(",") + "\\n", out = [];
  for (const body of ["a,b,c\\n", "a,\\"b\\u0000\\",c\\n", "a,b,c\\nd,e\\u0000,f\\n"]) {
    try { await readRegister("conflicts", new TextEncoder().encode(head + body)); out.push("read"); }
    catch (e) { out.push(e.message); }
  }
  document.getElementById("out").textContent = out.join("|");
})();
</script></body></html>
HTML
browse "$T/nul.html" --allow-file-access-from-files
got=$(sed -n 's/.*<pre id="out">\([^<]*\)<.*/\1/p' "$T/nul.html.dom")
want="read|line 2: a NUL byte inside a field|line 3: a NUL byte inside a field"
[ "$got" = "$want" ] && pass "the page's register reader refuses a NUL inside a field" ||
	fail "the page's register reader on a NUL: got '$got', expected '$want'"
# bytes after a NUL at the end of a row: a reader taking fields as C strings would not see them
"$PY" -c 'import sys; l = open(sys.argv[1], "rb").read().split(b"\n"); l[1] += b"\0hidden"; open(sys.argv[2], "wb").write(b"\n".join(l))' \
	"$F/conflicts.csv" "$T/conflicts-nul.csv"
c_refuses "a register file with a NUL inside a field" "$F/draw.json" --entities "$F/entities.csv" \
	--inspectors "$F/inspectors.csv" --conflicts "$T/conflicts-nul.csv"

echo "== tampered results documents fail"
for c in bind joint; do
	# a result in force (one a later correction replaced would leave the listing as it is)
	first=$("$PY" -c 'import json,sys; print(next(i["result"]["entry"] for i in json.load(open(sys.argv[1]))["inspections"] if i["result"]))' "$V/$c/results.json")
	"$PY" "$CLI_TESTS/resign_results.py" "$V/$c/results.json" "$T/$c-code.json" "$T/vk.key" --draw "$V/$c/draw.json" \
		--entry "$first" 'result="9"' || { fail "resign_results $c"; continue; }
	"$MKPAGE" "$T/$c-code.html" "$V/$c/draw.json" --results "$T/$c-code.json" && expect "$T/$c-code.html" fail listing
	c_refuses "$c: a result code changed" "$T/$c-code.json" --draw "$V/$c/draw.json"
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["inspections"][0]["name"]="某某公司"; json.dump(d,open(sys.argv[2],"w"),ensure_ascii=False)' \
		"$V/$c/results.json" "$T/$c-unsigned.json"
	"$MKPAGE" "$T/$c-unsigned.html" "$V/$c/draw.json" --results "$T/$c-unsigned.json" &&
		expect "$T/$c-unsigned.html" fail "results signature"
	c_refuses "$c: an unsigned change of the results" "$T/$c-unsigned.json" --draw "$V/$c/draw.json"
done

echo "== the picks of reassignments and substitutions (§18.2, §18.3), recomputed from the registers"
# picks PAGE-NAME CASE RESULTS: the page of CASE's draw and RESULTS, without and with the
# registers embedded; without them the picks are 'not done' and nothing fails.
picks_pages() {
	local name=$1 c=$2 res=$3
	"$MKPAGE" "$T/$name.html" "$V/$c/draw.json" --results "$res" && expect "$T/$name.html" ok "picks=not done"
	"$MKPAGE" "$T/$name-registers.html" "$V/$c/draw.json" --results "$res" \
		--registers "$V/$c/entities.csv" "$V/$c/inspectors.csv" "$V/$c/conflicts.csv" &&
		expect "$T/$name-registers.html" fail picks "result rules=ok" listing=ok
}
# a reassignment's replacement changed to another eligible officer (re-signed, the team in
# pair-ticket order, the listing rebuilt): only the recomputation shows it
REASSIGN=$("$PY" -c 'import json,sys; print([e["seq"] for e in json.load(open(sys.argv[1]))["entries"] if e["kind"] == "reassign"][2])' "$V/bind/results.json")
"$PY" "$CLI_TESTS/resign_results.py" "$V/bind/results.json" "$T/repl.json" "$T/vk.key" --draw "$V/bind/draw.json" \
	--inspectors "$V/bind/inspectors.csv" --replacement "$REASSIGN" 33010020230006 --relist || fail "resign_results repl"
picks_pages repl bind "$T/repl.json"
grep -q "by the rule, not 33010020230006" "$T/repl-registers.html.dom" && pass "the page names the officer the rule gives instead" ||
	fail "the page does not say which replacement the rule gives"
c_refuses "the replacement changed, with the registers" "$T/repl.json" --draw "$V/bind/draw.json" \
	--inspectors "$V/bind/inspectors.csv" --conflicts "$V/bind/conflicts.csv"
# a substitute's team with one member swapped for another officer of the same department
# (in pair-ticket order; the later result names him, so that every rule still holds)
"$PY" - "$V/joint" > "$T/subteam.txt" <<'PY'
import csv, hashlib, json, sys
V = sys.argv[1]
d = json.load(open(V + "/draw.json", encoding="utf-8")); r = json.load(open(V + "/results.json", encoding="utf-8"))
e = next(e for e in r["entries"] if e["kind"] == "substitute")
p = e["payload"]; sub = p["substitute"]["id"]; team = p["team"]
seed = bytes.fromhex(d["seed"])
pair = lambda o: hashlib.sha256(seed + b"yaohao:pair:v2".ljust(32, b"\0") + sub.encode() + o.encode()).digest()
load = {}
for i in r["inspections"]:
    if "substituted_by" not in i:
        for m in i["team"]: load[m["id"]] = load.get(m["id"], 0) + 1
old = team[-1]
new = next(o for o in csv.DictReader(open(V + "/inspectors.csv", encoding="utf-8")) if o["status"] == "active"
           and o["department"] == old["department"] and o["id"] not in {m["id"] for m in team}
           and o["cert_valid_until"] >= d["task"]["draw_date"] and load.get(o["id"], 0) < d["load_cap"] - 1)
t = [m for m in team if m is not old] + [{"id": new["id"], "name": new["name"], "department": new["department"]}]
t.sort(key=lambda m: (pair(m["id"]), m["id"].encode()))
edits = ["--entry", str(e["seq"]), "team=" + json.dumps(t, ensure_ascii=False)]
for x in r["entries"]:
    if x["kind"] == "result" and x["payload"]["entity_id"] == sub:
        edits += ["--entry", str(x["seq"]), "officers=" + json.dumps([new["id"] if o == old["id"] else o for o in x["payload"]["officers"]])]
print("\n".join(edits))
PY
mapfile -t subedits < "$T/subteam.txt"
"$PY" "$CLI_TESTS/resign_results.py" "$V/joint/results.json" "$T/subteam.json" "$T/vk.key" --draw "$V/joint/draw.json" \
	"${subedits[@]}" --relist || fail "resign_results subteam"
picks_pages subteam joint "$T/subteam.json"
c_refuses "the substitute's team changed, with the registers" "$T/subteam.json" --draw "$V/joint/draw.json" \
	--inspectors "$V/joint/inspectors.csv" --conflicts "$V/joint/conflicts.csv"

echo "== a browser without Ed25519: the signature is 'not done', the verdict incomplete, never ok"
# WebCrypto's importKey refusing Ed25519, as an old browser does (a script put in front of the
# page's own, in a copy of the page: the page itself has no such hook).
"$MKPAGE" "$T/noed.html" "$V/bind/draw.json" --results "$V/bind/results.json"
"$PY" - "$T/noed.html" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
old = crypto = ("<script>(function () { var s = crypto.subtle, f = s.importKey.bind(s);"
    " s.importKey = function (fmt, key, alg) { if (alg && (alg === 'Ed25519' || alg.name === 'Ed25519'))"
    " return Promise.reject(new DOMException('Ed25519 is not supported', 'NotSupportedError'));"
    " return f.apply(null, arguments); }; })();</script>\n")
s = s.replace("</head>", crypto + "</head>", 1)
open(p, "w", encoding="utf-8").write(s)
PY
expect "$T/noed.html" incomplete "signature=not done" "results signature=not done" "entries=not done" tickets=ok

echo "== the English toggle"
# #lang=en makes the page click its own toggle once its checks are shown (the handler a
# reader's click runs); the page is then in English, the button offers 中文.
"$MKPAGE" "$T/en.html" "$V/bind/draw.json" --results "$V/bind/results.json" \
	--registers "$V/bind/entities.csv" "$V/bind/inspectors.csv" "$V/bind/conflicts.csv"
FRAGMENT="#lang=en" expect "$T/en.html" ok picks=ok
if grep -q '<html lang="en"' "$T/en.html.dom" && grep -q '>Verified: the draw follows its published rules and data<' "$T/en.html.dom" &&
	grep -q '<button id="lang" type="button">中文</button>' "$T/en.html.dom" && grep -q '<td>picks</td>' "$T/en.html.dom" &&
	! grep -q '<td class="status">通过</td>' "$T/en.html.dom"; then
	pass "the toggle clicked: the page is in English"
else
	fail "the toggle clicked: the page is not in English"
fi
grep -q '<html lang="zh-CN"' "$T/bind-registers.html.dom" && grep -q '>核验通过' "$T/bind-registers.html.dom" &&
	pass "without #lang=en the page is in Chinese" || fail "the page is not in Chinese by default"

echo "== the page makes no network request"
# Chromium's net log marks a request a page made with the page's origin (a file:// page:
# "null"); Chromium's own background requests are "not an origin".  A page that fetches
# shows that the log sees page requests at all.
printf '<html><body><script>fetch("https://example.test/y").catch(function(){})</script></body></html>' > "$T/control.html"
browse "$T/control.html" --log-net-log="$T/control-net.json"
if grep -q '"initiator":"null"' "$T/control-net.json"; then pass "the net log records a page's request"; else fail "the net log records no page request: the check below would prove nothing"; fi
"$MKPAGE" "$T/net.html" "$V/bind/draw.json" --results "$V/bind/results.json" \
	--registers "$V/bind/entities.csv" "$V/bind/inspectors.csv" "$V/bind/conflicts.csv"
browse "$T/net.html" --log-net-log="$T/net.json"
if grep -q '"initiator":"null"' "$T/net.json"; then fail "the page made a network request"; else pass "the page made no network request"; fi
if grep -qiE '(src|href)=|url\(|@import' "$T/net.html"; then fail "the page names an outside resource"; else pass "the page names no outside resource"; fi
grep -q "default-src 'none'" "$T/net.html" && pass "the page forbids the network (Content-Security-Policy)" || fail "no Content-Security-Policy"

echo "== the demo's pages"
if "$YAOHAO" demo --dir "$T/demo" > "$T/demo.log" 2>&1; then
	for p in draw results; do
		grep -qF "$T/demo/$p.html" "$T/demo.log" && pass "the demo prints the path of $p.html" || fail "the demo does not print $p.html"
		cp "$T/demo/$p.html" "$T/demo-$p.html"
		expect "$T/demo-$p.html" ok
		"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$(mktemp -d "$T/profile-XXXXXX")" --virtual-time-budget=60000 \
			--window-size=1280,2400 --screenshot="$OUT_DIR/demo-$p.png" "file://$T/demo-$p.html" 2>> "$T/chromium.log"
		[ -s "$OUT_DIR/demo-$p.png" ] && pass "screenshot $OUT_DIR/demo-$p.png" || fail "no screenshot of $p.html"
	done
else
	fail "yaohao demo: $(tail -3 "$T/demo.log")"
fi

echo "== entity proofs (§14): the page checks a proof against the draw as yaohao verify-proof does"
# proof_page NAME PROOF ok|fail [FAILED-CHECK]: the demo's draw page with the proof embedded;
# the page's verdict on the proof and verify-proof's exit status must agree.
proof_page() {
	local name=$1 proof=$2 want=$3 chk=${4:-} id
	id=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["entity_id"])' "$proof")
	"$MKPAGE" "$T/proof-$name.html" "$T/demo/draw.json" --proof "$proof" || { fail "mkpage proof-$name"; return; }
	if [ "$want" = ok ]; then
		# the search opens at the proof's entity and shows its verdict there too
		expect "$T/proof-$name.html" ok "proof $id=ok|" "search-query=$id" "search-result=$id" "search $id=ok|"
		"$YAOHAO" verify-proof "$proof" "$T/demo/draw.json" > "$T/c.out" 2>&1 && pass "yaohao verify-proof accepts the $name proof" ||
			fail "yaohao verify-proof refuses the $name proof: $(grep FAILED "$T/c.out")"
	else
		expect "$T/proof-$name.html" ok "proof $id=fail|$chk" "search-result=$id" "search $id=fail|$chk"   # a bad proof does not make the draw fail
		"$YAOHAO" verify-proof "$proof" "$T/demo/draw.json" > "$T/c.out" 2>&1 && fail "yaohao verify-proof accepts the $name proof" ||
			pass "yaohao verify-proof refuses the $name proof"
	fi
}
if [ -f "$T/demo/yaohao.db" ]; then
	read -r SEL NS OUTSIDE < <("$PY" - "$T/demo" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1] + "/draw.json", encoding="utf-8"))
rows = list(csv.DictReader(open(sys.argv[1] + "/entities.frozen.csv", encoding="utf-8")))
drawn = {s["id"] for s in d["selected"]} | {r["id"] for r in d["reserves"]}
p = d["task"]["population"]
def eligible(r):
    return (r["status"] in p["status"] and any(r["region"].startswith(x) for x in p["regions"] or [""])
            and any(r["industry"].startswith(x) for x in p["industries"] or [""]) and r["id"] not in d["entities"]["excluded"])
print(d["selected"][0]["id"], next(r["id"] for r in rows if eligible(r) and r["id"] not in drawn),
      next(r["id"] for r in rows if not eligible(r)))
PY
)
	TASK=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["task_id"])' "$T/demo/draw.json")
	for who in "selected $SEL" "not-selected $NS" "outside $OUTSIDE" "absent 91330100MA27YYYY0X"; do
		set -- $who
		"$YAOHAO" prove --db "$T/demo/yaohao.db" "$TASK" "$2" > "$T/$1.proof.json" 2> "$T/c.out" || { fail "yaohao prove $1: $(cat "$T/c.out")"; continue; }
		proof_page "$1" "$T/$1.proof.json" ok
	done
	grep -q '已抽中' "$T/proof-selected.html.dom" && pass "the page says the selected entity was selected" || fail "no selected outcome shown"
	grep -q '凭自己的签号没有被抽中' "$T/proof-not-selected.html.dom" && pass "the page says the other one was not selected" || fail "no not-selected outcome shown"
	edit_proof() { "$PY" -c 'import json,sys; p=json.load(open(sys.argv[1])); exec(sys.argv[3]); json.dump(p,open(sys.argv[2],"w"),ensure_ascii=False)' "$@"; }
	edit_proof "$T/selected.proof.json" "$T/path.proof.json" 'p["path"][1] = "0" * 64'
	proof_page path "$T/path.proof.json" fail "proof inclusion"
	edit_proof "$T/not-selected.proof.json" "$T/ns-path.proof.json" 'p["path"][0] = p["path"][0][:-1] + ("0" if p["path"][0][-1] != "0" else "1")'
	proof_page ns-path "$T/ns-path.proof.json" fail "proof inclusion"
	edit_proof "$T/not-selected.proof.json" "$T/flip.proof.json" 'p["selected"] = True'
	proof_page flip "$T/flip.proof.json" fail "proof selection"
	edit_proof "$T/absent.proof.json" "$T/absent-path.proof.json" 'p["after"]["path"][0] = "1" * 64'
	proof_page absent-path "$T/absent-path.proof.json" fail "proof absence"
	# a proof of another draw (the joint vector's)
	"$MKPAGE" "$T/proof-other.html" "$V/joint/draw.json" --proof "$T/selected.proof.json" &&
		expect "$T/proof-other.html" ok "proof $SEL=fail|proof"
	"$YAOHAO" verify-proof "$T/selected.proof.json" "$V/joint/draw.json" > "$T/c.out" 2>&1 &&
		fail "yaohao verify-proof accepts a proof of another draw" || pass "yaohao verify-proof refuses a proof of another draw"
	# the list a proof states (rank, reserve order, team) must be the document's (§14)
	edit_proof "$T/selected.proof.json" "$T/rank.proof.json" 'p["rank"] += 1'
	proof_page rank "$T/rank.proof.json" fail "proof selection"
	edit_proof "$T/selected.proof.json" "$T/team.proof.json" 'p["team"][0]["role"], p["team"][1]["role"] = p["team"][1]["role"], p["team"][0]["role"]'
	proof_page team "$T/team.proof.json" fail "proof selection"
	edit_proof "$T/not-selected.proof.json" "$T/order.proof.json" 'p["reserve_order"] = 1'
	proof_page order "$T/order.proof.json" fail "proof selection"

	echo "== §14's list rule: what check_spec.py refuses, the page and yaohao verify-proof refuse"
	RES=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["reserves"][0]["id"])' "$T/demo/draw.json")
	"$YAOHAO" prove --db "$T/demo/yaohao.db" "$TASK" "$RES" > "$T/reserve.proof.json" 2> "$T/c.out" || fail "yaohao prove reserve: $(cat "$T/c.out")"
	proof_page reserve "$T/reserve.proof.json" ok
	# check_spec.py's PROOF_TAMPERS on the demo's proofs: one file each, with its verdict there
	"$PY" - "$CLI_TESTS/../vectors" "$T/demo/draw.json" "$T" selected="$T/selected.proof.json" \
		reserve="$T/reserve.proof.json" other="$T/not-selected.proof.json" > "$T/list-tampers.txt" <<'PY'
import copy, json, sys
sys.path.insert(0, sys.argv[1])
import check_spec
doc = json.load(open(sys.argv[2], encoding="utf-8"))
proofs = {k: json.load(open(v, encoding="utf-8")) for k, v in (a.split("=", 1) for a in sys.argv[4:])}
for k, p in proofs.items():
    assert not check_spec.verify_proof(p, doc), (k, check_spec.verify_proof(p, doc))
for i, (kind, what, edit) in enumerate(check_spec.PROOF_TAMPERS):
    p = copy.deepcopy(proofs[kind])
    edit(p)
    path = "%s/list-%d.proof.json" % (sys.argv[3], i)
    json.dump(p, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    print("\t".join([path, kind + ": " + what, p["entity_id"], "refused" if check_spec.verify_proof(p, doc) else "ACCEPTED"]))
PY
	[ -s "$T/list-tampers.txt" ] || fail "no list tamper was made"
	while IFS=$'\t' read -r file what id py; do
		[ "$py" = refused ] || fail "check_spec.py accepts: $what"
		"$MKPAGE" "$file.html" "$T/demo/draw.json" --proof "$file" && browse "$file.html"
		grep -q "^proof $id=fail|" <<< "$(read_dom "$file.html.dom")" && pass "the page refuses: $what" || fail "the page accepts: $what"
		"$YAOHAO" verify-proof "$file" "$T/demo/draw.json" > "$T/c.out" 2>&1
		[ $? -eq 1 ] && pass "yaohao verify-proof refuses: $what" || fail "yaohao verify-proof does not refuse: $what"
	done < "$T/list-tampers.txt"
	# an id not in the register that the document lists as a reserve: re-signed, the reserve's
	# ticket recomputed and made its stratum's cutoff (above the selected tickets), so that the
	# document alone verifies; the id's absence proof must fail (C, the page and check_spec.py)
	"$PY" - "$T/demo/draw.json" "$T/absent.proof.json" "$CLI_TESTS/../vectors" > "$T/listed.txt" <<'PY'
import hashlib, json, sys
sys.path.insert(0, sys.argv[3])
import check_spec
d = json.load(open(sys.argv[1], encoding="utf-8")); p = json.load(open(sys.argv[2], encoding="utf-8"))
eid, seed = p["entity_id"], bytes.fromhex(d["seed"])
t = check_spec.ticket(seed, eid).hex()
k = next(i for i, r in enumerate(d["reserves"]) if t > max(s["ticket"] for s in d["selected"] if s["stratum"] == r["stratum"]))
j = next(i for i, s in enumerate(d["strata"]) if s["key"] == d["reserves"][k]["stratum"])
d["reserves"][k].update(id=eid, ticket=t); d["strata"][j]["cutoff"] = t
print("refused" if check_spec.verify_proof(p, d) else "ACCEPTED")
print("reserves.%d.id=%s" % (k, json.dumps(eid)))
print("reserves.%d.ticket=%s" % (k, json.dumps(t)))
print("strata.%d.cutoff=%s" % (j, json.dumps(t)))
PY
	mapfile -t listed < "$T/listed.txt"
	[ "${listed[0]:-}" = refused ] && pass "check_spec.py refuses the absent id listed as a reserve" || fail "check_spec.py accepts the absent id listed as a reserve"
	resign "$T/demo/draw.json" "$T/listed.json" "$T/demo/yaohao.db.key" "${listed[@]:1}" || fail "resign listed"
	"$MKPAGE" "$T/listed.html" "$T/listed.json" --proof "$T/absent.proof.json" &&
		expect "$T/listed.html" ok "proof 91330100MA27YYYY0X=fail|proof absence"
	"$YAOHAO" verify-proof "$T/absent.proof.json" "$T/listed.json" > "$T/c.out" 2>&1
	[ $? -eq 1 ] && grep -q "as a reserve" "$T/c.out" && pass "yaohao verify-proof refuses the absent id listed as a reserve" ||
		fail "yaohao verify-proof does not refuse the absent id listed as a reserve: $(grep -E 'FAILED|verified' "$T/c.out")"

	echo "== yaohao prove --html: the draw's page made for an entity, its proof embedded (§14)"
	# cli_page PAGE ENTITY...: the page yaohao prove writes for the entities (the first opened)
	cli_page() {
		local page=$1; shift
		"$YAOHAO" prove --db "$T/demo/yaohao.db" "$TASK" "$@" --html "$page" > "$T/c.out" 2>&1 ||
			{ fail "yaohao prove --html: $(cat "$T/c.out")"; return 1; }
	}
	cli_page "$T/cli-sel.html" "$SEL" &&
		expect "$T/cli-sel.html" ok "proof $SEL=ok|" "search-query=$SEL" "search-result=$SEL" "search $SEL=ok|"
	grep -q 'class="found selected"' "$T/cli-sel.html.dom" && pass "the entity's page shows it selected in the search" ||
		fail "the entity's page does not show the entity found"
	# the entity's page opens at the entity: its search first, under the verdict (the plain page
	# has the checks first)
	sections() { grep -oE '<section id="[a-z]+"' "$1" | head -2 | cut -d'"' -f2 | tr '\n' ' '; }
	[ "$(sections "$T/cli-sel.html.dom")" = "lookup checks " ] && pass "the entity's page shows the search first" ||
		fail "the entity's page shows $(sections "$T/cli-sel.html.dom")first"
	[ "$(sections "$T/demo-draw.html.dom")" = "checks task " ] && pass "the plain page shows the checks first" ||
		fail "the plain page shows $(sections "$T/demo-draw.html.dom")first"
	# for a reviewer: the entity's page as it opens (at its search result)
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$T/profile-XXXXXX")" --virtual-time-budget=60000 \
		--window-size=1280,1400 --screenshot="$OUT_DIR/entity-page.png" "file://$T/cli-sel.html" < /dev/null 2>> "$T/chromium.log"
	[ -s "$OUT_DIR/entity-page.png" ] && pass "screenshot $OUT_DIR/entity-page.png" || fail "no screenshot of the entity's page"
	cli_page "$T/cli-two.html" "$NS" 91330100MA27YYYY0X &&
		expect "$T/cli-two.html" ok "proof $NS=ok|" "proof 91330100MA27YYYY0X=ok|" "search-result=$NS" "search $NS=ok|"
	# the embedded proof tampered with in the page the CLI wrote: the draw still verifies, the
	# proof fails, in the proofs' list and beside the entity in the search; verify-proof agrees
	cli_page "$T/cli-bad.html" "$SEL" && "$PY" - "$T/cli-bad.html" "$T/cli-bad.proof.json" <<'PY'
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'(<script type="application/json" data-proof>\n)(.*?)(\n</script>)', page, re.S)
p = json.loads(m.group(2))
p["team"][0]["name"] = p["team"][0]["name"] + "甲"
text = json.dumps(p, ensure_ascii=False, indent=2)
open(sys.argv[2], "w", encoding="utf-8").write(text)
open(sys.argv[1], "w", encoding="utf-8").write(page[:m.start(2)] + text.replace("<", "\\u003c") + page[m.end(2):])
PY
	expect "$T/cli-bad.html" ok "proof $SEL=fail|proof selection" "search-result=$SEL" "search $SEL=fail|proof selection"
	"$YAOHAO" verify-proof "$T/cli-bad.proof.json" "$T/demo/draw.json" > "$T/c.out" 2>&1 &&
		fail "yaohao verify-proof accepts the proof tampered in the page" || pass "yaohao verify-proof refuses the proof tampered in the page"

	echo "== a proof dropped onto the page opens its entity in the search, with its verdict"
	# drop_page NAME PROOF: the demo's draw page, and a script put after the page's own (in a
	# copy of the page: the page has no such hook) that drops PROOF onto the proofs' area as a
	# reader's drag would (a DragEvent with a DataTransfer holding the file) once the page's
	# checks are done, and marks the body data-dropped=1 when the search shows a proof.
	drop_page() {
		local name=$1 proof=$2
		"$MKPAGE" "$T/drop-$name.html" "$T/demo/draw.json" || { fail "mkpage drop-$name"; return 1; }
		"$PY" - "$T/drop-$name.html" "$proof" <<'PY'
import json, sys
page, proof = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
drop = ("<script>(function () {\n"
        "  var text = " + json.dumps(proof).replace("<", "\\u003c") + ";\n"
        "  function shown() { if (document.querySelector('#search-result [data-search-proof]')) document.body.setAttribute('data-dropped', '1'); else setTimeout(shown, 20); }\n"
        "  function go() {\n"
        "    if (document.getElementById('verdict').getAttribute('data-done') !== '1') return setTimeout(go, 20);\n"
        "    var dt = new DataTransfer();\n"
        "    dt.items.add(new File([text], 'dropped.proof.json', { type: 'application/json' }));\n"
        "    document.getElementById('proofs').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));\n"
        "    shown();\n"
        "  }\n"
        "  document.addEventListener('DOMContentLoaded', go);\n"
        "})();</script>\n")
s = open(page, encoding="utf-8").read()
open(page, "w", encoding="utf-8").write(s.replace("</body>", drop + "</body>", 1))
PY
	}
	drop_page ns "$T/not-selected.proof.json" && expect "$T/drop-ns.html" ok dropped=1 "proof $NS=ok|" "search-result=$NS" "search $NS=ok|"
	grep -q '凭自己的签号没有被抽中' "$T/drop-ns.html.dom" && pass "the dropped proof's outcome is shown" || fail "no outcome of the dropped proof"
	drop_page flip "$T/flip.proof.json" && expect "$T/drop-flip.html" ok dropped=1 "proof $NS=fail|proof selection" "search-result=$NS" "search $NS=fail|proof selection"
	# the absent id: the page knows it only from the proof
	drop_page absent "$T/absent.proof.json" && expect "$T/drop-absent.html" ok dropped=1 "search-result=91330100MA27YYYY0X" "search 91330100MA27YYYY0X=ok|"
	# a page without a proof opens no search
	expect "$T/demo-draw.html" ok "search-query=" "search-result="
else
	fail "no demo store: the proofs were not tested"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
