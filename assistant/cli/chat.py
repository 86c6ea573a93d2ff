"""Interactive terminal chat (follow-up questions use the conversation so far)."""

from __future__ import annotations

from assistant.types import Turn


def run_chat(assistant, input_fn=input, print_fn=print) -> int:
    print_fn("coopguide — ask in German or English; empty line or Ctrl-D to quit.")
    history: list[Turn] = []
    while True:
        try:
            question = input_fn("? ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        answer = assistant.ask(question, history=history)
        print_fn(answer.answer + "\n")
        history += [Turn("user", question), Turn("assistant", answer.answer)]
