"""trainlog demo, the shipped example data set, and the cron recipes in examples/cron."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from trainlog.dates import resolve_period
from trainlog.demo.zhaoling import write_dataset
from trainlog.reports.coverage import coverage
from trainlog.reports.plan import plan_report
from trainlog.store.database import Database
from trainlog.study.compliance import compliance

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "zhaoling2020"
CRON = ROOT / "examples" / "cron"

pytestmark = pytest.mark.sqlite_only  # the demo writes a SQLite file by design


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.name[:2].isdigit()}


@pytest.fixture
def demo_db(zhaoling: Path) -> Iterator[Database]:
    """The demo's data set (loaded once for the run)."""
    db = Database(str(zhaoling))
    yield db
    db.dispose()


class TestDataSet:
    def test_shipped_files_are_the_generators_output(self, tmp_path: Path) -> None:
        """examples/zhaoling2020 is exactly what trainlog.demo.zhaoling writes (no hand edits)."""
        write_dataset(tmp_path)
        assert _digest(tmp_path) == _digest(EXAMPLES)
        assert len(_digest(EXAMPLES)) == 12

    def test_source_figures(self, demo_db: Database) -> None:
        """The source document's figures as of 3 April 2020, from the report functions."""
        period = resolve_period(start="2020-01-01", as_of="2020-04-03")
        with demo_db.connect() as s:
            cov = coverage(s, period, "remote", None).data
            comp = compliance(s, period)
            leaders = plan_report(s, period, track="policy", audience="top-leaders")
            everything = plan_report(s, period)
        assert (cov["branches"], cov["with_sessions"], cov["sessions"]) == (378, 371, 1034)
        assert cov["without"] == ["B083", "B150", "B187", "B253", "B345", "B355", "B372"]
        assert comp["registered"] == 739
        assert 200 < leaders["total"]["person_times"] < 300
        plan = everything["plan"]
        assert (plan["year"], plan["track"], plan["target"]) == (2020, "special", 2000)
        assert plan["to_date"] == everything["tracks"][2]["person_times"] == 356
        assert plan["behind"] is True


class TestDemoCommand:
    def test_prints_the_report_and_the_figures(self, cli, tmp_path: Path) -> None:
        target = tmp_path / "demo.db"
        r = cli("demo", "--db", target)
        assert r.exit_code == 0, r.stderr
        for figure in ("378", "371", "1,034", "739", "356 of 2,000"):
            assert figure in r.stdout
        assert "B372" in r.stdout
        assert str(target) in r.stderr and "Try next" in r.stderr
        report = cli("--db", target, "report", "--month", "2020-04", "--format", "json")
        assert json.loads(report.stdout)["plan"]["to_date"] == 503

    def test_in_chinese(self, cli, tmp_path: Path) -> None:
        r = cli("demo", "--db", tmp_path / "demo.db", "--lang", "zh")
        assert r.exit_code == 0
        assert "远程教育学习培训次数" in r.stdout and "专题培训" in r.stdout
        assert "各职级学时达标情况，截至 2020-04-03" in r.stdout and "县处级以上" in r.stdout
        assert "四、学时达标。" in r.stdout

    def test_prints_a_training_hours_summary(self, cli, tmp_path: Path) -> None:
        """The data set's ranks: the four district leaders county, the units' heads and the
        townships' cadres section, the units' other cadres staff, the village cadres village
        (who owe no hours by default); the summary is `hours --as-of 2020-04-03`'s by rank."""
        target = tmp_path / "demo.db"
        r = cli("demo", "--db", target)
        assert r.exit_code == 0, r.stderr
        out = r.stdout[r.stdout.index("Training hours by rank, as of 2020-04-03"):]
        table = "\n".join(line.rstrip() for line in out[:out.index("┘\n") + 1].splitlines())
        # the README shows it as printed (the title's padding left out)
        assert table + "\n" in (ROOT / "README.md").read_text(encoding="utf-8")
        data = json.loads(cli("--db", target, "hours", "--as-of", "2020-04-03", "--format",
                              "json").stdout)
        assert [(b["rank"], b["checked"]) for b in data["by_rank"]] == [
            ("county", 4), ("section", 311), ("staff", 144)]
        for b in data["by_rank"]:
            assert f"│ {b['rank']:<9} │ {b['checked']:>7} │ {b['met']:>3} │" in out
        assert f"│ all ranks │ {data['checked']:>7} │" in out
        rows = json.loads(cli("--db", target, "cadre", "list", "--format", "json").stdout)
        ranks = {r["rank"] for r in rows}
        assert ranks == {"county", "section", "staff", "village"}
        history = json.loads(cli("--db", target, "cadre", "history", "G0001", "--format",
                                 "json").stdout)
        assert [f["from"] for f in history["facts"] if f["fact"] == "rank"] == [None]

    def test_refuses_an_existing_database(self, cli, tmp_path: Path) -> None:
        target = tmp_path / "mine.db"
        target.write_bytes(b"not empty")
        r = cli("demo", "--db", target)
        assert r.exit_code == 1
        assert "exists" in r.stderr
        assert target.read_bytes() == b"not empty"

    def test_refuses_a_url_and_never_echoes_it(self, cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                               monkeypatch: pytest.MonkeyPatch) -> None:
        """A server URL is no place for the demo, and nothing named after it (password and all)
        is created in the working directory."""
        monkeypatch.chdir(tmp_path)
        r = cli("demo", "--db", "postgresql+psycopg://clerk:s3cret@db.example/trainlog")
        assert r.exit_code == 1
        assert "not a database URL" in r.stderr and "s3cret" not in r.stderr + r.stdout
        assert list(tmp_path.iterdir()) == []

    def test_never_the_users_database(self, cli, tmp_path: Path, monkeypatch) -> None:
        """Without --db the demo makes a temporary database; TRAINLOG_DB is left alone."""
        users = tmp_path / "users.db"
        monkeypatch.setenv("TRAINLOG_DB", str(users))
        monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
        (tmp_path / "tmp").mkdir()
        import tempfile

        monkeypatch.setattr(tempfile, "tempdir", None)
        r = cli("demo")
        assert r.exit_code == 0, r.stderr
        assert not users.exists()
        made = list((tmp_path / "tmp").glob("trainlog-demo-*/zhaoling2020.db"))
        assert len(made) == 1


def crontab(site: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """The variables of examples/cron/crontab, with its /srv/trainlog paths made this test's
    (`site`'s values where it names them; its venv the one running the tests), and each job's
    script -> its command line."""
    venv, variables, jobs = str(Path(sys.executable).parent), {}, {}
    for line in (CRON / "crontab").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, eq, value = line.partition("=")
        if eq and " " not in name:
            variables[name] = (site or {}).get(name, value.replace("/srv/trainlog/venv/bin", venv))
        else:
            command = line.split(None, 5)[5]
            jobs[Path(command.split()[0]).name] = command.replace("/srv/trainlog/cron", str(CRON))
    return variables, jobs


def _run(script: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A job of the crontab run as cron runs it: `env -i`, cron's few variables, the crontab's,
    its command line through SHELL (/bin/sh -c); `env` adds the test's."""
    variables, jobs = crontab(env)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    cron = {"HOME": str(home), "LOGNAME": "cron", **variables,
            **{k: v for k, v in env.items() if k not in variables}}
    return subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in cron.items()),
                           variables["SHELL"], "-c", jobs[script]],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)


class TestCronRecipes:
    @pytest.fixture
    def site(self, demo_db: Database, tmp_path: Path) -> dict[str, str]:
        """A copy of the demo database and an inbox, as the crontab's variables name them."""
        db = tmp_path / "trainlog.db"
        demo_db.backup(db)
        inbox = tmp_path / "inbox"
        (inbox / "rosters").mkdir(parents=True)
        return {"TRAINLOG_DB": str(db), "TRAINLOG_INBOX": str(inbox),
                "TRAINLOG_REPORTS": str(tmp_path / "reports"), "TRAINLOG_USER": "cron"}

    def test_nightly_rosters_import_once_and_reject_bad_files(self, site, tmp_path: Path) -> None:
        rosters = Path(site["TRAINLOG_INBOX"]) / "rosters"
        good = "培训编号,日期,类别,形式,培训名称,学时,干部编号\nCRON-1,2020-07-01,政策培训,推进会,推进会,2,{}\n"
        codes = ["G0001", "G0002"]
        (rosters / "good.csv").write_text(good.format(codes[0]) + f"CRON-1,2020-07-01,政策培训,推进会,推进会,2,{codes[1]}\n",
                                          encoding="utf-8")
        (rosters / "bad.csv").write_text(good.format("NOBODY"), encoding="utf-8")
        r = _run("nightly-rosters.sh", site, tmp_path)
        assert r.returncode == 1
        assert "rejected bad.csv" in r.stderr and "NOBODY" in r.stderr
        assert r.stdout == ""
        assert (rosters / "done" / "good.csv").exists() and (rosters / "rejected" / "bad.csv").exists()
        # the same roster sent again the next night counts nobody twice; all went well: cron
        # has nothing to mail
        (rosters / "done" / "good.csv").rename(rosters / "good.csv")
        again = _run("nightly-rosters.sh", site, tmp_path)
        assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
        db = Database(site["TRAINLOG_DB"])
        with db.connect() as s:
            july = plan_report(s, resolve_period(month="2020-07"))
        assert july["total"]["person_times"] == 2

    def test_monthly_imports_reports_and_alerts(self, site, tmp_path: Path) -> None:
        inbox = Path(site["TRAINLOG_INBOX"])
        (inbox / "academy-2020-07.csv").write_text("干部编号,学时\nG0001,6\nG0002,3.5\n", encoding="utf-8")
        r = _run("monthly.sh", {**site, "LAST_MONTH": "2020-07"}, tmp_path)
        assert r.returncode == 3, r.stderr  # someone is short of 5 hours
        assert "ALERT" in r.stderr
        # said once (not also trainlog's own "N cadre(s) short" line), and nothing on stdout
        assert r.stderr.count("short of online study hours") == 1 and r.stdout == ""
        reports = Path(site["TRAINLOG_REPORTS"])
        short = json.loads((reports / "compliance-2020-07.json").read_text())
        assert short["period"]["label"] == "2020-07"
        assert "G0002" in [c["cadre"] for c in short["short"]]
        assert "G0001" not in [c["cadre"] for c in short["short"]]
        report = json.loads((reports / "report-2020-07.json").read_text())
        assert report["plan"]["track"] == "special"

    def test_monthly_without_an_export_exits_5(self, site, tmp_path: Path) -> None:
        """No academy export arrived: its own exit code, not 3 (someone short), and the reports
        are still written."""
        r = _run("monthly.sh", {**site, "LAST_MONTH": "2020-07"}, tmp_path)
        assert r.returncode == 5, r.stderr
        assert "no academy export for 2020-07" in r.stderr
        assert (Path(site["TRAINLOG_REPORTS"]) / "report-2020-07.json").exists()

    def test_plan_alert_exits_3_when_behind(self, site, tmp_path: Path) -> None:
        r = _run("plan-alert.sh", {**site, "TRAINLOG_TODAY": "2020-04-03",
                                   "TRAINLOG_ALERT": f"cat > {tmp_path / 'alert.txt'}"}, tmp_path)
        assert r.returncode == 3, r.stderr
        alert = (tmp_path / "alert.txt").read_text()
        assert "behind pace" in alert and "356 of 2000" in alert
        assert (r.stdout, r.stderr) == ("", "")  # the alert went to TRAINLOG_ALERT only

    def test_plan_alert_says_it_once(self, site, tmp_path: Path) -> None:
        r = _run("plan-alert.sh", {**site, "TRAINLOG_TODAY": "2020-04-03"}, tmp_path)
        assert r.returncode == 3
        assert r.stdout == "" and r.stderr.count("356") == 1 and "behind pace" in r.stderr

    def test_crontab_sets_path_for_cron(self) -> None:
        """cron's PATH is /usr/bin:/bin: the crontab sets one that finds trainlog, and every
        job runs without the tester's environment (`_run`: env -i)."""
        variables, jobs = crontab()
        assert "PATH" in variables and variables["PATH"].startswith(str(Path(sys.executable)
                                                                         .parent))
        assert sorted(jobs) == ["monthly.sh", "nightly-rosters.sh", "plan-alert.sh",
                                "year-end-hours.sh"]

    def test_year_end_hours_writes_the_check_and_alerts(self, site, tmp_path: Path) -> None:
        env = {**site, "LAST_YEAR": "2020"}
        promote = subprocess.run([sys.executable, "-m", "trainlog", "cadre", "edit", "G0005",
                                  "--rank", "county", "--from", "2020-06-01"],
                                 env={**os.environ, **env}, capture_output=True, text=True)
        assert promote.returncode == 0, promote.stderr
        r = _run("year-end-hours.sh", env, tmp_path)
        assert r.returncode == 3, r.stderr  # someone is short
        report = Path(site["TRAINLOG_REPORTS"]) / "hours-2020.json"
        data = json.loads(report.read_text())
        assert (data["year"], data["as_of"], data["checked"]) == (2020, "2020-12-31", 459)
        assert data["grace"] == 1 and data["short_count"] == 458
        g5 = next(c for c in data["cadres"] if c["cadre"] == "G0005")
        assert (g5["status"], g5["grace_until"]) == ("grace", "2021-06-01")
        # said once (not also trainlog's own "N cadre(s) short" line), and nothing on stdout
        assert r.stdout == "" and r.stderr.count("\n") == 1
        assert r.stderr.startswith("ALERT: 458 of 459 cadre(s) short of the training hours of "
                                   "their rank in 2020 (1 within a year of a promotion; met by "
                                   "rank: county 0/5, section 0/310, staff 0/144)")
        assert str(report) in r.stderr

    def test_year_end_hours_is_quiet_when_nobody_is_short(self, site, tmp_path: Path) -> None:
        """Nobody short (here: the rules set to 0, nobody is checked): nothing printed, exit 0,
        and the check written all the same."""
        env = {**site, "LAST_YEAR": "2020"}
        for key in ("hours.county.group", "hours.section.group", "hours.staff.group",
                    "hours.online"):
            done = subprocess.run([sys.executable, "-m", "trainlog", "config", "set", key, "0"],
                                  env={**os.environ, **env}, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        r = _run("year-end-hours.sh", env, tmp_path)
        assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
        data = json.loads((Path(site["TRAINLOG_REPORTS"]) / "hours-2020.json").read_text())
        assert (data["checked"], data["short_count"]) == (0, 0)

    def test_plan_alert_exits_0_on_pace(self, site, tmp_path: Path) -> None:
        env = {**site, "TRAINLOG_TODAY": "2020-04-03"}
        set_plan = subprocess.run([sys.executable, "-m", "trainlog", "plan", "set", "2020",
                                   "--target", "300", "--track", "special"],
                                  env={**os.environ, **env}, capture_output=True, text=True)
        assert set_plan.returncode == 0, set_plan.stderr
        r = _run("plan-alert.sh", env, tmp_path)
        assert r.returncode == 0, r.stderr
