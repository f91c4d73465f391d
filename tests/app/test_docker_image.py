"""The Docker image, checked without a Docker engine: hadolint on the Dockerfile, then the Dockerfile's own steps
(its requirements command, a clean virtual environment, its COPY lines, its ENV and CMD) run here, the server
started as a non-root user, and its health endpoint asked."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from tests.support import BIN_DIR, REPO, free_port, running_server

DOCKERFILE = REPO / "Dockerfile"


def instructions():
    """(stage index, instruction, arguments) for each line of the Dockerfile, continuations joined."""
    joined, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        if line.lstrip().startswith("#") and not current:
            continue
        current += line.rstrip("\\").strip() + " " if line.rstrip().endswith("\\") else line.strip()
        if not line.rstrip().endswith("\\"):
            if current:
                joined.append(current)
            current = ""
    stage = -1
    parsed = []
    for text in joined:
        instruction, _, arguments = text.partition(" ")
        if instruction.upper() == "FROM":
            stage += 1
        parsed.append((stage, instruction.upper(), arguments.strip()))
    return parsed


def final_stage():
    steps = instructions()
    last = max(stage for stage, _, _ in steps)
    return [(instruction, arguments) for stage, instruction, arguments in steps if stage == last]


def env_of(arguments: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in shlex.split(arguments))


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(BIN_DIR / "hadolint")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_as_a_non_root_user_and_checks_its_health():
    final = final_stage()
    users = [arguments for instruction, arguments in final if instruction == "USER"]
    assert users and not users[-1].startswith(("0", "root"))
    assert any(instruction == "HEALTHCHECK" and "health" in arguments for instruction, arguments in final)
    assert any(instruction == "EXPOSE" for instruction, _ in final)
    assert any(instruction == "VOLUME" for instruction, _ in final)


def test_the_dockerfile_steps_build_a_server_that_answers_health():
    python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    with tempfile.TemporaryDirectory(prefix="image-", dir="/tmp") as root:
        root = Path(root)
        os.chmod(root, 0o755)
        build, app_dir, venv = root / "build", root / "app", root / "venv"
        build.mkdir()
        app_dir.mkdir()
        shutil.copy(REPO / "pyproject.toml", build)
        requirements_command = next(
            arguments
            for stage, instruction, arguments in instructions()
            if instruction == "RUN" and "requirements.txt" in arguments
        ).split("&&")[0]
        subprocess.run(requirements_command.replace("python ", f"{python} ", 1), shell=True, cwd=build, check=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "-r", "requirements.txt"], cwd=build, check=True
        )
        final = final_stage()
        env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(root)}
        for instruction, arguments in final:
            if instruction == "ENV":
                for key, value in env_of(arguments).items():
                    env[key] = value.replace("$PATH", env["PATH"]).replace("/venv/bin", str(venv / "bin"))
            elif instruction == "COPY" and not arguments.startswith("--from"):
                *sources, target = shlex.split(arguments)
                for source in sources:
                    destination = app_dir / (target if not target.endswith("/") and len(sources) == 1 else "")
                    if (REPO / source).is_dir():
                        shutil.copytree(REPO / source, app_dir / target.strip("./"), dirs_exist_ok=True)
                    else:
                        shutil.copy(REPO / source, destination if destination != app_dir else app_dir)
        env["REWARDBENCH_DATA"] = env["REWARDBENCH_DATA"].replace("/app/", f"{app_dir}/")
        port = free_port()
        env["REWARDBENCH_BIND"] = f"127.0.0.1:{port}"
        command = json.loads(next(arguments for instruction, arguments in final if instruction == "CMD"))
        command[0] = str(venv / "bin" / command[0])
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        for path in [root, *root.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0))
        with running_server([*as_user, *command], port, env=env, cwd=app_dir, inherit_env=False) as url:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                assert response.status == 200
            with urllib.request.urlopen(url, timeout=5) as response:
                assert b"RewardBench Dashboard" in response.read()
