"""The supervisor screen's key bindings (ids ``sup.*``, labels from the catalogue)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from console.screens.ops_texts import t

SUPERVISOR_BINDINGS: list[BindingType] = [
    Binding(
        "1",
        "show_tab('tab-figures')",
        t("key.sup.figures"),
        id="sup.figures",
        tooltip=t("tip.sup.figures"),
    ),
    Binding(
        "2",
        "show_tab('tab-queue')",
        t("key.sup.queue"),
        id="sup.queue",
        tooltip=t("tip.sup.queue"),
    ),
    Binding(
        "3",
        "show_tab('tab-log')",
        t("key.sup.log"),
        id="sup.log",
        tooltip=t("tip.sup.log"),
    ),
    Binding(
        "4",
        "show_tab('tab-handover')",
        t("key.sup.handover"),
        id="sup.handover",
        tooltip=t("tip.sup.handover"),
    ),
    Binding(
        "5",
        "show_tab('tab-shift')",
        t("key.sup.shift"),
        id="sup.shift",
        tooltip=t("tip.sup.shift"),
    ),
    Binding(
        "6",
        "show_tab('tab-referrals')",
        t("key.sup.referrals"),
        id="sup.referrals",
        tooltip=t("tip.sup.referrals"),
        show=False,  # the tab bar names it; F1 and the palette list the key
    ),
    Binding(
        "7",
        "show_tab('tab-charts')",
        t("key.sup.charts"),
        id="sup.charts",
        tooltip=t("tip.sup.charts"),
        show=False,  # the tab bar names it; F1 and the palette list the key
    ),
    Binding(
        "h",
        "close_shift",
        t("key.sup.close-shift"),
        id="sup.close-shift",
        tooltip=t("tip.sup.close-shift"),
    ),
    Binding(
        "slash",
        "search_log",
        t("key.sup.search"),
        id="sup.search",
        tooltip=t("tip.sup.search"),
    ),
    Binding(
        "f",
        "cycle_filter",
        t("key.sup.filter"),
        id="sup.filter",
        tooltip=t("tip.sup.filter"),
    ),
    Binding(
        "e",
        "export_handover",
        t("key.sup.export"),
        id="sup.export",
        tooltip=t("tip.sup.export"),
    ),
    Binding(
        "s",
        "surge",
        t("key.sup.surge"),
        id="sup.surge",
        tooltip=t("tip.sup.surge"),
    ),
    Binding(
        "ctrl+r",
        "reload",
        t("key.sup.reload"),
        id="sup.reload",
        tooltip=t("tip.sup.reload"),
        show=False,
    ),
]
