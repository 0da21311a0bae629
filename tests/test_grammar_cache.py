"""The LALR tables are cached between runs (cold start), and a bad cache never hurts."""

import os
import subprocess
import sys

PROBLEM = "d tr(X^T A X) / dX"


def _run(env_extra: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    env.pop("MDX_NO_CACHE", None)
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "mdx", "derive", PROBLEM, "--no-steps"],
                          capture_output=True, text=True, env=env, timeout=60)


def test_first_run_writes_the_cache_and_later_runs_use_it(tmp_path):
    first = _run({"XDG_CACHE_HOME": str(tmp_path)})
    assert first.returncode == 0 and "(A + A^T) X" in first.stdout
    (cache,) = (tmp_path / "mdx").iterdir()
    assert oct((tmp_path / "mdx").stat().st_mode & 0o777) == "0o700"
    stamp = cache.stat().st_mtime_ns
    second = _run({"XDG_CACHE_HOME": str(tmp_path)})
    assert second.stdout == first.stdout and second.stderr == ""
    assert cache.stat().st_mtime_ns == stamp          # read, not rebuilt


def test_a_corrupt_or_stale_cache_is_rebuilt_silently(tmp_path):
    _run({"XDG_CACHE_HOME": str(tmp_path)})
    (cache,) = (tmp_path / "mdx").iterdir()
    for junk in (b"", b"not a cache\n\x80\x04garbage", cache.read_bytes()[:200]):
        cache.write_bytes(junk)
        out = _run({"XDG_CACHE_HOME": str(tmp_path)})
        assert out.returncode == 0 and "(A + A^T) X" in out.stdout and out.stderr == ""
    assert cache.stat().st_size > 1000                # rewritten whole


def test_an_unwritable_cache_directory_only_costs_time(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory would go")
    out = _run({"XDG_CACHE_HOME": str(blocker)})
    assert out.returncode == 0 and "(A + A^T) X" in out.stdout and out.stderr == ""
    off = _run({"XDG_CACHE_HOME": str(tmp_path / "c"), "MDX_NO_CACHE": "1"})
    assert off.returncode == 0 and not (tmp_path / "c").exists()
