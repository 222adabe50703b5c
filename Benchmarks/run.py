#!/usr/bin/env python3
"""Side-by-side benchmark of diobench and fio on the same job files (issue 7).

Each job runs with fio and with diobench, alternating for --rounds rounds (A B, then B A, ...), so
drift on a shared machine hits both alike. Per tool and job it reports the medians of IOPS (from each
tool's JSON), CPU seconds per million I/Os (the child's user+system time from wait4, which counts every
thread of the process), and peak RSS, and the ratio diobench/fio of each; then the spread of the
per-round IOPS ratios and the context switches per I/O. The tables go to stdout and, with --write, to
Benchmarks/RESULTS.md together with the machine they ran on.

Usage (as root, from the package root, after `swift build -c release`):
    Benchmarks/run.py [--rounds 5] [--seconds 5] [--jobs 1,2,3a] [--write]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIOBENCH = os.path.join(ROOT, ".build", "release", "diobench")
FIO = "/usr/bin/fio"
SHM_FILE = "/dev/shm/diobench-bench-1g.dat"


def job_text(name, seconds, loop_device=None, work_dir=None, for_fio=False):
    """The job file of benchmark `name`, the same text for both tools except where the loop device is named."""
    name = base_job(name)
    common = f"[bench]\ntime_based\nruntime={seconds}\nrandrepeat=1\n"
    if name == "1-null":
        return common + "ioengine=null\nrw=randread\nbs=4k\nsize=1g\nfilename=/dev/null\n"
    if name == "2-psync-shm":
        return common + f"ioengine=psync\nrw=randread\nbs=4k\nfilename={SHM_FILE}\ninvalidate=0\n"
    if name == "3a-uring-shm-qd1":
        return common + f"ioengine=io_uring\niodepth=1\nrw=randread\nbs=4k\nfilename={SHM_FILE}\ninvalidate=0\n"
    if name == "3b-uring-shm-qd32":
        return common + f"ioengine=io_uring\niodepth=32\nrw=randread\nbs=4k\nfilename={SHM_FILE}\ninvalidate=0\n"
    if name in ("4-uring-loop-direct-qd32", "7-libaio-loop-direct-qd32"):
        engine = "io_uring" if name.startswith("4") else "libaio"
        body = f"ioengine={engine}\niodepth=32\nrw=randread\nbs=4k\ndirect=1\nsize=1g\n"
        if for_fio:
            return common + body + f"filename={loop_device}\n"
        return common + body + f"loop_backing={work_dir}/loop-backing.img\nloop_dio=1\n"
    if name == "5-psync-seqwrite-direct-128k":
        return common + f"ioengine=psync\nrw=write\nbs=128k\ndirect=1\nsize=1g\ndirectory={work_dir}\n" \
            + ("filename=fio-seqwrite.dat\n" if for_fio else "filename=diobench-seqwrite.dat\n")
    if name == "8-pvsync2-shm":
        return common + f"ioengine=pvsync2\nrw=randread\nbs=4k\nfilename={SHM_FILE}\ninvalidate=0\n"
    if name == "9-posixaio-shm-qd32":
        return common + f"ioengine=posixaio\niodepth=32\nrw=randread\nbs=4k\nfilename={SHM_FILE}\ninvalidate=0\n"
    if name == "6-uring-shm-qd32-numjobs2":
        return common + f"ioengine=io_uring\niodepth=32\nrw=randread\nbs=4k\nfilename={SHM_FILE}\ninvalidate=0\nnumjobs=2\ngroup_reporting\n"
    raise SystemExit(f"unknown job {name}")


JOBS = ["1-null", "2-psync-shm", "3a-uring-shm-qd1", "3b-uring-shm-qd32", "4-uring-loop-direct-qd32",
        "5-psync-seqwrite-direct-128k", "6-uring-shm-qd32-numjobs2", "7-libaio-loop-direct-qd32", "8-pvsync2-shm",
        "9-posixaio-shm-qd32"]

# Diagnostics, not targets: a job run with both tools under the same wrapper command. Buffered io_uring
# reads from tmpfs are punted to an io-wq kernel thread, so jobs 3a and 6 cost wakeups whose price
# depends on where the scheduler puts that thread; pinning both tools to CPU 0 (taskset) takes placement
# out and leaves each tool's own cost per I/O.
DIAGNOSTICS = {
    "3a-pinned-cpu0": ("3a-uring-shm-qd1", ["taskset", "-c", "0"]),
    "6-pinned-cpu0": ("6-uring-shm-qd32-numjobs2", ["taskset", "-c", "0"]),
}
JOBS += list(DIAGNOSTICS)


def base_job(name):
    return DIAGNOSTICS[name][0] if name in DIAGNOSTICS else name


def measure(argv):
    """Runs a command; returns (stdout, user+system CPU seconds, peak RSS in KiB, context switches) of that
    child (wait4; the switches of all its threads, io_uring's io-wq threads included)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout = proc.stdout.read()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {stderr.decode(errors='replace')[:2000]}")
    return stdout, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, usage.ru_nvcsw + usage.ru_nivcsw


def total_ios_and_iops(stdout):
    text = stdout.decode(errors="replace")
    doc = json.loads(text[text.index("{"):])
    ios = iops = 0.0
    for job in doc["jobs"]:
        for d in ("read", "write"):
            ios += job[d]["total_ios"]
            iops += job[d]["iops"]
    return ios, iops


def make_backing_file(path):
    """1 GiB of random data: both tools read real blocks, and neither pays for laying it out."""
    if not os.path.exists(path):
        subprocess.run(["dd", "if=/dev/urandom", f"of={path}", "bs=1M", "count=1024", "status=none"], check=True)


def make_loop_device(work_dir):
    backing = os.path.join(work_dir, "fio-loop-backing.img")
    make_backing_file(backing)
    dev = subprocess.run(["losetup", "--find", "--show", "--direct-io=on", backing],
                         check=True, capture_output=True, text=True).stdout.strip()
    return dev


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    fio_version = subprocess.run([FIO, "--version"], capture_output=True, text=True).stdout.strip()
    # The load when the run starts: on a shared machine other work competes with both tools alike.
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(), "fio": fio_version, "load": load}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--jobs", default=",".join(JOBS), help="comma list of job names or prefixes")
    parser.add_argument("--write", action="store_true", help="also write Benchmarks/RESULTS.md")
    args = parser.parse_args()
    if not os.access(DIOBENCH, os.X_OK):
        raise SystemExit(f"build first: swift build -c release (no {DIOBENCH})")
    wanted = [j for j in JOBS if any(j == w or j.startswith(w) for w in args.jobs.split(","))]
    work = tempfile.mkdtemp(prefix="diobench-bench-", dir="/var/tmp")
    if any(base_job(j) in ("2-psync-shm", "3a-uring-shm-qd1", "3b-uring-shm-qd32", "6-uring-shm-qd32-numjobs2",
                           "8-pvsync2-shm", "9-posixaio-shm-qd32") for j in wanted) \
            and not os.path.exists(SHM_FILE):
        make_backing_file(SHM_FILE)

    if any(j.startswith("4-") for j in wanted):
        make_backing_file(os.path.join(work, "loop-backing.img"))
    machine_at_start = machine()
    results = {j: {"fio": [], "diobench": []} for j in wanted}
    for round_number in range(args.rounds):
        for name in wanted:
            # A B, then B A in the next round: each tool goes first as often as the other, so a drift
            # within a round (the machine warming up, a neighbour waking) does not favour either.
            for tool in (("fio", "diobench") if round_number % 2 == 0 else ("diobench", "fio")):
                loop = make_loop_device(work) if "loop-direct" in name and tool == "fio" else None
                try:
                    text = job_text(name, args.seconds, loop_device=loop, work_dir=work, for_fio=(tool == "fio"))
                    path = os.path.join(work, f"{name}-{tool}.fio")
                    with open(path, "w") as f:
                        f.write(text)
                    argv = list(DIAGNOSTICS[name][1]) if name in DIAGNOSTICS else []
                    if tool == "fio":
                        argv += [FIO, "--output-format=json", path]
                    else:
                        argv += [DIOBENCH, "run", "--output-format=json", "--no-progress", path]
                    stdout, cpu, rss, switches = measure(argv)
                finally:
                    if loop:
                        subprocess.run(["losetup", "--detach", loop])
                ios, iops = total_ios_and_iops(stdout)
                results[name][tool].append({"iops": iops, "cpu_per_mio": cpu / ios * 1e6 if ios else float("nan"), "rss_kib": rss,
                                            "switches_per_io": switches / ios if ios else float("nan")})
                print(f"round {round_number + 1} {name:32} {tool:8} IOPS {iops:12.0f}  CPU s/M I/O {cpu / ios * 1e6 if ios else 0:8.3f}  "
                      f"RSS {rss / 1024:7.1f} MiB  switches/I/O {switches / ios if ios else 0:6.3f}", file=sys.stderr)
        for leftover in os.listdir(work):
            if leftover.endswith("seqwrite.dat"):
                os.unlink(os.path.join(work, leftover))

    rows = []
    for name in wanted:
        med = {}
        for tool in ("fio", "diobench"):
            samples = results[name][tool]
            med[tool] = {k: statistics.median(s[k] for s in samples) for k in ("iops", "cpu_per_mio", "rss_kib", "switches_per_io")}
        rows.append((name, med))
    info = machine_at_start
    lines = [f"Machine: {info['cpu']}, {info['cores']} cores, kernel {info['kernel']}; {info['fio']}; "
             f"{args.rounds} rounds of {args.seconds} s, fio and diobench alternating (A B, B A, ...); "
             f"load average at the start {info['load']}.", "",
             "| job | fio IOPS | diobench IOPS | ratio | fio CPU s/M I/O | diobench CPU s/M I/O | ratio | fio RSS MiB | diobench RSS MiB | ratio |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, med in rows:
        f, d = med["fio"], med["diobench"]
        lines.append(f"| {name} | {f['iops']:.0f} | {d['iops']:.0f} | {d['iops'] / f['iops']:.2f} | "
                     f"{f['cpu_per_mio']:.3f} | {d['cpu_per_mio']:.3f} | {d['cpu_per_mio'] / f['cpu_per_mio']:.2f} | "
                     f"{f['rss_kib'] / 1024:.1f} | {d['rss_kib'] / 1024:.1f} | {d['rss_kib'] / f['rss_kib']:.2f} |")
    lines += ["", "The spread, round by round: diobench/fio IOPS of the two runs of each round (median, lowest, highest),",
              "and context switches per I/O (whole process, io-wq threads included; medians), which show where jobs",
              "that hand their I/O to io-wq threads spend the time the tools' own code does not.", "",
              "| job | IOPS ratio per round: median | lowest | highest | fio switches/I/O | diobench switches/I/O |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, med in rows:
        ratios = [d["iops"] / f["iops"] for f, d in zip(results[name]["fio"], results[name]["diobench"]) if f["iops"]]
        lines.append(f"| {name} | {statistics.median(ratios):.2f} | {min(ratios):.2f} | {max(ratios):.2f} | "
                     f"{med['fio']['switches_per_io']:.3f} | {med['diobench']['switches_per_io']:.3f} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        with open(os.path.join(ROOT, "Benchmarks", "RESULTS.md"), "w") as f:
            f.write("# diobench vs fio, side by side\n\n")
            f.write(f"Written by `Benchmarks/run.py --write` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
                    "Medians; ratios are diobench/fio (IOPS: higher is better; CPU and RSS: lower is better).\n\n")
            f.write(table + "\n")
            f.write("\nRows named *-pinned-cpu0 are diagnostics, not targets: the same job with both tools "
                    "pinned to CPU 0 by taskset. Benchmarks/README.md says what they show.\n")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
