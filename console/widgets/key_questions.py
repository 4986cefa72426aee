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
        #: Answers implied by the notes (the caller's words as typed), kept
        #: apart so that editing the notes can take them back; an answer key
        #: pressed by the operator is never replaced by one of these.
        self.inferred: set[str] = set()
        self.index = 0

    def set_questions(
        self, questions: tuple[KeyQuestion, ...], answers: dict[str, str] | None = None
    ) -> None:
        """Show a type's questions with answers already known.

        ``answers`` come from a draft, or from what the caller said (the type
        search infers "terjepit" → trapped = yes); the operator sees them as
        answered and can change them with the arrow keys and an answer key.
        """
        self.questions = questions
        self.answers = {
            k: v
            for k, v in (answers or {}).items()
            if any(q.id == k for q in questions)
        }
        self.inferred = set()
        self.index = self._first_unanswered()
        self.display = bool(questions)
        self.refresh(layout=True)

    def infer(self, implied: dict[str, str]) -> bool:
        """Take the answers the notes imply now; the operator's own stay.

        Called as the notes change: "tidak pingsan" must replace what
        "pingsan" implied a moment before, so earlier inferences are dropped
        and the new ones filled in where the operator gave no answer. True
        when the answers changed.
        """
        own = {k: v for k, v in self.answers.items() if k not in self.inferred}
        known = {q.id for q in self.questions}
        fresh = {k: v for k, v in implied.items() if k in known and k not in own}
        answers = {**own, **fresh}
        if answers == self.answers:
            return False
        current = self.questions[self.index].id if self.questions else None
        self.answers = answers
        self.inferred = set(fresh)
        if current in fresh:
            self.index = self._first_unanswered(default=self.index)
        self.refresh()
        self.post_message(self.Answered(dict(self.answers), self.complete))
        return True

    def _first_unanswered(self, default: int = 0) -> int:
        return next(
            (i for i, q in enumerate(self.questions) if q.id not in self.answers),
            default,
        )

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
        """The lines the questions take at this width (long ones wrap)."""
        if not self.questions:
            return 0
        lines = self.render().wrap(self.app.console, max(1, width))
        return max(len(lines), len(self.questions) + 1)

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

    @property
    def complete(self) -> bool:
        """True once every question has an answer."""
        return all(q.id in self.answers for q in self.questions)

    def answer(self, character: str | None) -> bool:
        """Answer the current question with ``character``; False if it is no answer key.

        Called synchronously for each key by the screen's key queue, so the
        next key already sees the next question.
        """
        if not self.questions:
            return False
        question = self.questions[self.index]
        char = (character or "").lower()
        if not char or not any(o.key == char for o in question.options):
            return False
        self.answers[question.id] = char
        self.inferred.discard(question.id)
        self.index = self._next_index()
        self.refresh()
        self.post_message(self.Answered(dict(self.answers), self.complete))
        return True

    def _next_index(self) -> int:
        """The next question still without an answer, else the next one.

        Answers the caller's words implied are skipped over, not overwritten.
        """
        later = range(self.index + 1, len(self.questions))
        unanswered = (i for i in later if self.questions[i].id not in self.answers)
        return next(unanswered, min(self.index + 1, len(self.questions) - 1))

    def on_key(self, event: events.Key) -> None:
        """An answer key answers the current question (keys Textual delivers)."""
        if self.answer(event.character):
            event.stop()
            event.prevent_default()
