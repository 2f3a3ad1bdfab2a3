"""A scripted stand-in for the backend: prints protocol events (and worse) to exercise the plugin.

Called as `plugin_fake_backend.py -m aerocolor --events jsonl SCENARIO`, the command line the
plugin builds for the real backend. With AEROCOLOR_FAKE_ARGS=FILE in its environment it first
writes the arguments it was given (after `-m aerocolor`) to FILE as a JSON list.
"""
import json
import os
import shutil
import signal
import sys
import time


def emit(type_, **fields):
    sys.stdout.write(json.dumps({"v": 1, "type": type_, **fields}) + "\n")
    sys.stdout.flush()


def main(argv):
    if os.environ.get("AEROCOLOR_FAKE_ARGS"):
        with open(os.environ["AEROCOLOR_FAKE_ARGS"], "w") as fh:
            json.dump(argv[2:] if argv[:2] == ["-m", "aerocolor"] else argv, fh)
    scenario = argv[argv.index("jsonl") + 1]
    emit("hello", tool="fake", version="0.0", scenario=scenario)
    if scenario == "ok":
        print("this line is not JSON", flush=True)
        print('{"v": 99, "type": "progress"}', flush=True)  # wrong protocol version: garbage too
        for i in range(3):
            emit("progress", stage="fake", step=i + 1, steps=3, fraction=(i + 1) / 3)
        # One event torn across two writes: the reader must wait for the rest of the line.
        line = json.dumps({"v": 1, "type": "metrics", "epoch": 1, "losses": {"G": 1.5}})
        sys.stdout.write(line[:17])
        sys.stdout.flush()
        time.sleep(0.3)
        sys.stdout.write(line[17:] + "\n")
        sys.stdout.flush()
        print("a log line on stderr", file=sys.stderr, flush=True)
        emit("result", ok=True, outputs={"raster": "out.tif"})
        return 0
    if scenario == "error":
        emit("error", code="bad_input", message="The raster has no CRS; assign one and try again.", detail="")
        return 2
    if scenario == "exit1":
        print("Traceback (most recent call last): boom", file=sys.stderr, flush=True)
        return 1
    if scenario == "crash":
        emit("progress", stage="fake", step=1, steps=10, fraction=0.1)
        os.kill(os.getpid(), signal.SIGKILL)
    if scenario == "wait_cancel":
        emit("progress", stage="fake", step=0, steps=1, fraction=0.0)
        for line in sys.stdin:
            if line.strip() == "cancel":
                emit("error", code="cancelled", message="Cancelled at step 0; earlier results are kept.")
                return 3
        return 1
    if scenario == "colorize":
        # Like colorize: tiles, then overviews, each stage counting from 0 to 1 (and a last tiles
        # report after them); the "colour" output is a copy of the input.
        src, out = argv[-2:]
        for stage in ("colorize", "overviews"):
            for fraction in (0.0, 0.5, 1.0):
                emit("progress", stage=stage, fraction=fraction)
        emit("progress", stage="colorize", fraction=1.0)
        shutil.copyfile(src, out)
        emit("result", ok=True, outputs={"raster": out})
        return 0
    if scenario == "train":
        # Like the trainer: a cancel saves a checkpoint (which takes a while) before it ends.
        run = argv[argv.index("--run") + 1]
        emit("progress", stage="train", epoch=1, epochs=1, step=0, steps=1, fraction=0.0)
        for line in sys.stdin:
            if line.strip() == "cancel":
                time.sleep(1.0)
                os.makedirs(os.path.join(run, "checkpoints"), exist_ok=True)
                open(os.path.join(run, "checkpoints", "latest.pt"), "wb").close()
                emit("error", code="cancelled", message=f"Training stopped at epoch 1, step 0; resume with "
                                                           f"--resume --run {run}.")  # the trainer's words
                return 3
        return 1
    if scenario == "deaf":
        # Ignores the polite cancel and SIGTERM: only a kill ends it.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        emit("progress", stage="fake", step=0, steps=1, fraction=0.0)
        time.sleep(60)
        return 0
    raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
