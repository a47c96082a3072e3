"""Generate the benchmark data set, deterministically, as the CSV files a user would import.

    python benchmarks/generate.py [--scale district|province | --rows N] [--out DIR] [--seed N]
                                  [--force]

Files (UTF-8, header row of English keys, written with the csv module):

    branches.csv               code,name,township
    cadres.csv                 code,name,unit,level,branch,top_leader,poverty_cadre,party_member,
                               registered_on
    sessions.csv               ref,date,track,kind,topic,title,hours,branch,cadre,headcount
                               (one row per named attendance; session fields repeat on each row)
    study.csv                  cadre,hours,platform,month (every cadre, every month of 2020)
    add_session_attendees.txt  50 cadre codes, one a line
    manifest.json              scale, seed, generator version, row counts: the cache marker

A province is 100,000 cadres, 37,800 branches, 50,000 sessions with exactly 1,000,000
attendance rows in 2020, and 1,200,000 study rows; a district is a hundredth of that.
`--rows N` makes the province's shape at N attendance rows instead (scale `rows-N`, in
benchmarks/data/rows-N/): N / 20 sessions, N / 10 cadres, 12 x N / 10 study rows.
If `manifest.json` in the directory matches the scale, seed and generator version (and the
files are there with the sizes it records), nothing is regenerated.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
DEFAULT_SEED = 2020
YEAR = 2020
ADD_SESSION_ATTENDEES = 50


@dataclass(frozen=True)
class Scale:
    """How much data one scale holds."""

    cadres: int
    branches: int
    townships: int
    sessions: int
    attendance_per_session: int  # the mean; the total is exactly sessions x this


SCALES: dict[str, Scale] = {
    "district": Scale(cadres=1_000, branches=378, townships=10, sessions=500,
                      attendance_per_session=20),
    "province": Scale(cadres=100_000, branches=37_800, townships=1_000, sessions=50_000,
                      attendance_per_session=20),
}



def scale_of(name: str) -> Scale:
    """A named scale, or `rows-N`: a province shrunk or grown to N attendance rows (N / 20
    sessions of 20 on average, N / 10 cadres, a branch per 26.5 rows, a township per 1,000),
    so a data set of N rows has the province's shape; its study file has 12 x N / 10 rows."""
    if name in SCALES:
        return SCALES[name]
    if not name.startswith("rows-") or not name[5:].isdigit() or int(name[5:]) < 1_000:
        raise ValueError(f"unknown scale {name!r}: {', '.join(SCALES)} or rows-N (N >= 1000)")
    rows = int(name[5:])
    return Scale(cadres=rows // 10, branches=max(rows * 378 // 10_000, 20),
                 townships=max(rows // 1_000, 1), sessions=rows // 20, attendance_per_session=20)


def rows_scale(rows: int) -> str:
    """The scale name of a data set of `rows` attendance rows."""
    return f"rows-{rows}"


FILES = ("branches.csv", "cadres.csv", "sessions.csv", "study.csv", "add_session_attendees.txt")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红建国文辉鹏飞志宏斌海波宁晓燕"
    "丹玲婷雪梅峰林浩亮成俊东新春荣凤云阳松涛琳瑞淑珍德福庆祥"
)
PLACE = (
    "东西南北中新老大小上下前后石沙河湖山岭桥港店集营庄寨屯坡岗湾塘林园泉溪阳明安康宁"
    "平和丰兴盛昌隆华光青翠金银龙凤云天长高"
)
ORGANS = ("区委组织部", "区委宣传部", "区财政局", "区教育局", "区农业农村局", "区扶贫办",
          "区人社局", "区民政局", "区卫健委", "区住建局", "区水利局", "区商务局")
KINDS = {
    "policy": ("assessment", "promotion", "symposium", "meeting"),
    "video": ("academy", "xuexi", "remote"),
    "special": ("thematic", "key", "regular"),
}
KIND_WEIGHTS = {"policy": (3, 3, 2, 2), "video": (2, 2, 6), "special": (2, 3, 5)}
KIND_LABELS = {
    "assessment": "研判会", "promotion": "推进会", "symposium": "座谈会", "meeting": "工作会议",
    "academy": "网络学院集中学习", "xuexi": "学习强国集中学习", "remote": "远程教育学习",
    "thematic": "专题班", "key": "重点班", "regular": "常规班",
}
TOPICS = {
    "rural-revitalization": "乡村振兴", "poverty-industry": "扶贫产业",
    "collective-economy": "壮大村集体经济", "capacity": "干部能力提升", "other": "综合",
}
HOURS = {
    "policy": ("1.0", "1.5", "2.0", "3.0"),
    "video": ("1.0", "1.5", "2.0"),
    "special": ("3.0", "4.0", "6.0", "8.0"),
}


def place_name(rng: random.Random) -> str:
    return rng.choice(PLACE) + rng.choice(PLACE)


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def flag(yes: bool) -> str:
    return "1" if yes else "0"


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> str:
    return (start + dt.timedelta(days=rng.randrange((end - start).days + 1))).isoformat()


def write_csv(path: Path, header: list[str], rows: object) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)  # type: ignore[arg-type]


def make_townships(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        suffix = rng.choices(("镇", "乡", "街道"), weights=(6, 3, 1))[0]
        name = place_name(rng) + suffix
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def generate(scale_name: str, out: Path, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Write the data set of one scale into `out`; return the manifest."""
    scale = scale_of(scale_name)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)

    townships = make_townships(rng, scale.townships)
    # Contiguous branch codes per township, so a township's branches sort together.
    branch_township = [i * scale.townships // scale.branches for i in range(scale.branches)]
    branch_codes = [f"B{i + 1:05d}" for i in range(scale.branches)]
    branches = [
        (code, f"{townships[t]}{place_name(rng)}村党支部", townships[t])
        for code, t in zip(branch_codes, branch_township, strict=True)
    ]
    write_csv(out / "branches.csv", ["code", "name", "township"], branches)

    cadre_codes = [f"G{i + 1:06d}" for i in range(scale.cadres)]
    pools: list[list[str]] = [[] for _ in townships]
    cadres = []
    reg_start, reg_mid, reg_end = dt.date(2018, 1, 1), dt.date(2020, 1, 1), dt.date(2020, 6, 30)
    for code in cadre_codes:
        b = rng.randrange(scale.branches)
        township = townships[branch_township[b]]
        pools[branch_township[b]].append(code)
        level = rng.choices(("district", "township", "village"), weights=(1, 4, 5))[0]
        if level == "district":
            unit = rng.choice(ORGANS)
        elif level == "township":
            unit = township + rng.choice(("党委", "人民政府"))
        else:
            unit = f"{township}{place_name(rng)}村委会"
        party = rng.random() < 0.85
        registered = ""
        if rng.random() < (0.9 if party else 0.5):
            late = rng.random() < 0.15
            registered = random_date(rng, reg_mid if late else reg_start,
                                     reg_end if late else reg_mid - dt.timedelta(days=1))
        cadres.append((code, person_name(rng), unit, level, branch_codes[b],
                       flag(rng.random() < 0.1), flag(rng.random() < 0.3), flag(party),
                       registered))
    write_csv(out / "cadres.csv", ["code", "name", "unit", "level", "branch", "top_leader",
                                   "poverty_cadre", "party_member", "registered_on"], cadres)

    attendance_rows = write_sessions(rng, scale, out / "sessions.csv", townships,
                                     branch_codes, branch_township, pools)

    # Monthly platform exports: month-major, every cadre, hours 0-20 in tenths, ~10% under 5.
    tenths = [f"{t // 10}.{t % 10}" for t in range(201)]
    cum = list(range(1, 51)) + [50 + 3 * (i + 1) for i in range(151)]
    hours = rng.choices(tenths, cum_weights=cum, k=12 * scale.cadres)
    months = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    write_csv(out / "study.csv", ["cadre", "hours", "platform", "month"],
              ((code, hours[m * scale.cadres + i], "academy", month)
               for m, month in enumerate(months) for i, code in enumerate(cadre_codes)))

    attendees = rng.sample(cadre_codes, min(ADD_SESSION_ATTENDEES, scale.cadres))
    (out / "add_session_attendees.txt").write_text("\n".join(attendees) + "\n", encoding="utf-8")

    manifest: dict[str, Any] = {
        "scale": scale_name, "seed": seed, "generator_version": GENERATOR_VERSION,
        "python": sys.version.split()[0], "definition": asdict(scale),
        "rows": {"branches.csv": len(branches), "cadres.csv": len(cadres),
                 "sessions.csv": attendance_rows, "study.csv": 12 * scale.cadres,
                 "add_session_attendees.txt": len(attendees)},
        "bytes": {name: (out / name).stat().st_size for name in FILES},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def write_sessions(rng: random.Random, scale: Scale, path: Path, townships: list[str],
                   branch_codes: list[str], branch_township: list[int],
                   pools: list[list[str]]) -> int:
    """Write sessions.csv (dates in order, refs by date); return the number of rows."""
    # Sizes come in pairs mean+d, mean-d, so the total is exactly sessions x mean.
    mean = scale.attendance_per_session
    sizes: list[int] = []
    for _ in range(scale.sessions // 2):
        d = rng.randint(0, mean // 2)
        sizes += [mean + d, mean - d]
    if scale.sessions % 2:
        sizes.append(mean)
    rng.shuffle(sizes)

    days = [(dt.date(YEAR, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(366)]
    dates = sorted(rng.choice(days) for _ in range(scale.sessions))
    # About 5% of branches never hold a video session, so coverage has something to report.
    video_branches = [b for b in range(scale.branches) if b % 20 != 7]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ref", "date", "track", "kind", "topic", "title", "hours", "branch",
                         "cadre", "headcount"])
        for n, (date, size) in enumerate(zip(dates, sizes, strict=True), start=1):
            track = rng.choices(("policy", "video", "special"), weights=(3, 5, 2))[0]
            kind = rng.choices(KINDS[track], weights=KIND_WEIGHTS[track])[0]
            topic = ""
            headcount = 0
            if track == "video":
                b: int | None = rng.choice(video_branches)
                if kind == "remote":
                    headcount = rng.randrange(31)
            elif track == "policy" and rng.random() < 0.5:
                b = rng.randrange(scale.branches)
            else:
                b = None
            t = branch_township[b] if b is not None else rng.randrange(len(townships))
            if track == "special":
                topic = rng.choice(tuple(TOPICS))
                title = f"{townships[t]}{TOPICS[topic]}{KIND_LABELS[kind]}（第{n}期）"
            else:
                title = f"{townships[t]}{KIND_LABELS[kind]}（第{n}期）"
            pool = pools[t]
            attendees = rng.sample(pool, min(size, len(pool)))
            head = (f"S{YEAR}-{n:06d}", date, track, kind, topic, title,
                    rng.choice(HOURS[track]), branch_codes[b] if b is not None else "")
            writer.writerows(head + (code, headcount) for code in attendees)
            rows += len(attendees)
    return rows


MEMORY_FILES = ("branches.csv", "cadres.csv", "survey.csv")
METHODS = ("visit", "symposium", "phone", "interview", "questionnaire")


def memory_files(out: Path, rows: int, rows_set: Path, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """The files of the memory figure (run.py --only memory), `rows` rows each: branches and
    cadres with new codes (the cadres in the branches of the `rows_set` data set), and survey
    answers of the cadres of that set. Cached: written only when missing or of another size."""
    out.mkdir(parents=True, exist_ok=True)
    marker = out / "manifest.json"
    want = {"rows": rows, "seed": seed, "generator_version": GENERATOR_VERSION}
    try:
        if json.loads(marker.read_text(encoding="utf-8")) == want and all(
                (out / name).exists() for name in MEMORY_FILES):
            return {name: rows for name in MEMORY_FILES}
    except (OSError, ValueError):
        pass
    rng = random.Random(seed)
    with (rows_set / "branches.csv").open(encoding="utf-8") as f:
        branches = [r[0] for r in list(csv.reader(f))[1:]]
    with (rows_set / "cadres.csv").open(encoding="utf-8") as f:
        cadres = [r[0] for r in list(csv.reader(f))[1:]]
    write_csv(out / "branches.csv", ["code", "name", "township"],
              ((f"M{i:07d}", f"{place_name(rng)}村党支部", f"{place_name(rng)}镇")
               for i in range(1, rows + 1)))
    levels = ("district", "township", "village")
    write_csv(out / "cadres.csv", ["code", "name", "unit", "level", "branch", "top_leader",
                                   "poverty_cadre", "party_member", "registered_on"],
              ((f"N{i:07d}", person_name(rng), rng.choice(ORGANS), rng.choice(levels),
                rng.choice(branches), flag(rng.random() < 0.1), flag(rng.random() < 0.2),
                flag(rng.random() < 0.9),
                random_date(rng, dt.date(2018, 1, 1), dt.date(2020, 12, 31)))
               for i in range(1, rows + 1)))
    topics = list(TOPICS)
    write_csv(out / "survey.csv", ["date", "method", "topic", "tier", "cadre", "respondent",
                                   "note"],
              ((random_date(rng, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)),
                rng.choice(METHODS), ";".join(rng.sample(topics, rng.randint(1, 2))),
                rng.choice(("", "thematic", "key", "regular")), rng.choice(cadres), "",
                f"answer {i}") for i in range(1, rows + 1)))
    marker.write_text(json.dumps(want), encoding="utf-8")
    return {name: rows for name in MEMORY_FILES}


def cached(out: Path, scale_name: str, seed: int) -> dict[str, Any] | None:
    """The manifest of a complete data set of this scale and seed in `out`, else None."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (manifest.get("scale"), manifest.get("seed"), manifest.get("generator_version")) != (
            scale_name, seed, GENERATOR_VERSION):
        return None
    sizes = manifest.get("bytes", {})
    for name in FILES:
        path = out / name
        if not path.exists() or path.stat().st_size != sizes.get(name):
            return None
    return manifest


def ensure(scale_name: str, out: Path, seed: int = DEFAULT_SEED,
           force: bool = False) -> tuple[dict[str, Any], float | None]:
    """The data set in `out`, generated unless cached; its manifest and generation seconds."""
    if not force:
        manifest = cached(out, scale_name, seed)
        if manifest is not None:
            return manifest, None
    start = time.perf_counter()
    manifest = generate(scale_name, out, seed)
    return manifest, time.perf_counter() - start


def default_dir(scale_name: str) -> Path:
    return Path(__file__).resolve().parent / "data" / scale_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="district")
    parser.add_argument("--rows", type=int, metavar="N",
                        help="instead of --scale: the province's shape at N attendance rows "
                             "(scale rows-N, N >= 1000)")
    parser.add_argument("--out", type=Path, help="directory (default benchmarks/data/SCALE)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = parser.parse_args(argv)
    if args.rows is not None:
        if args.rows < 1_000:
            parser.error("--rows must be at least 1000")
        args.scale = rows_scale(args.rows)
    out = args.out or default_dir(args.scale)
    manifest, seconds = ensure(args.scale, out, args.seed, args.force)
    state = "cached" if seconds is None else f"generated in {seconds:.1f} s"
    print(f"{args.scale} data set in {out} ({state}, seed {args.seed})")
    for name, count in manifest["rows"].items():
        print(f"  {name:<28}{count:>12,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
