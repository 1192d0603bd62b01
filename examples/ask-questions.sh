#!/usr/bin/env bash
# Asks each line of a file as its own question and saves the answers as Markdown.
#
#   examples/ask-questions.sh examples/questions.txt answers.md
#
# Each question is a one-shot run, so answers do not lean on earlier ones; --transcript appends
# every question and its answer to the file as it completes. --no-stdin: the loop's input is the
# questions file, which a one-shot prompt would otherwise take with it (and so the rest of them).
set -euo pipefail
questions="${1:?usage: ask-questions.sh QUESTIONS.txt ANSWERS.md}"
answers="${2:?usage: ask-questions.sh QUESTIONS.txt ANSWERS.md}"
parley="${PARLEY:-parley}"
while IFS= read -r question; do
  [ -n "$question" ] || continue
  "$parley" --no-stdin --temperature 0 -s "You are a helpful assistant." --transcript "$answers" "$question" >/dev/null
done < "$questions"
echo "answers in $answers" >&2
