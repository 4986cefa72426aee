"""The key questions of the chosen incident type, answered with one key each.

Focus the panel (Tab from the type field, or it takes focus after a pick),
press an answer key (``y``/``n``/``u`` or the option's key): the answer is
recorded and the next question comes up. Up/Down revisit a question.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from console.i18n import _
from console.incident_types import KeyQuestion


class KeyQuestions(Widget, can_focus=True):
    """Questions with their one-key answers."""

    DEFAULT_CSS = """
    KeyQuestions { height: auto; padding: 0 0 0 14; }
    KeyQuestions:focus { background: $boost; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    class Answered(Message):
        """An answer changed; ``complete`` once every question is answered."""

        def __init__(self, answers: dict[str, str], complete: bool) -> None:
            super().__init__()
            self.answers = answers
            self.complete = complete

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.questions: tuple[KeyQuestion, ...] = ()
        self.answers: dict[str, str] = {}
        self.index = 0

    def set_questions(
        self, questions: tuple[KeyQuestion, ...], answers: dict[str, str] | None = None
    ) -> None:
        """Show a type's questions (and earlier answers from a draft)."""
        self.questions = questions
        self.answers = {
            k: v
            for k, v in (answers or {}).items()
            if any(q.id == k for q in questions)
        }
        self.index = next(
            (i for i, q in enumerate(questions) if q.id not in self.answers), 0
        )
        self.display = bool(questions)
        self.refresh(layout=True)

    def render(self) -> Text:
        """One line per question: marker, text, keys, the answer given."""
        text = Text()
        for i, question in enumerate(self.questions):
            current = i == self.index and self.has_focus
            text.append("▶ " if current else "  ", style="bold")
            text.append(question.text, style="bold" if current else "")
            keys = "  ".join(f"[{o.key}] {o.label}" for o in question.options)
            text.append(f"  {keys}", style="dim")
            answer = self.answers.get(question.id)
            if answer is not None:
                label = next(
                    (o.label for o in question.options if o.key == answer), answer
                )
                text.append(f"  → {label}", style="bold green")
            text.append("\n")
        if self.questions and self.has_focus:
            text.append(_("questions.hint"), style="italic dim")
        return text

    def get_content_height(
        self, container: object, viewport: object, width: int
    ) -> int:
        """One line per question plus the hint."""
        return len(self.questions) + (1 if self.questions else 0)

    def on_focus(self) -> None:
        """Redraw the current-question marker."""
        self.refresh()

    def on_blur(self) -> None:
        """Redraw without the marker."""
        self.refresh()

    def action_move(self, step: int) -> None:
        """Go to another question."""
        if self.questions:
            self.index = max(0, min(len(self.questions) - 1, self.index + step))
            self.refresh()

    def on_key(self, event: events.Key) -> None:
        """An answer key answers the current question."""
        if not self.questions:
            return
        question = self.questions[self.index]
        char = (event.character or "").lower()
        if not char or not any(o.key == char for o in question.options):
            return
        event.stop()
        event.prevent_default()
        self.answers[question.id] = char
        complete = all(q.id in self.answers for q in self.questions)
        if self.index < len(self.questions) - 1:
            self.index += 1
        self.refresh()
        self.post_message(self.Answered(dict(self.answers), complete))
