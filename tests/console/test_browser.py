"""The console in a real browser (Debian's headless Chromium under Playwright) against a real
server: type a script and see its rows; a bad script's marker on the right line; a training's
live progress and then its charts; killing a job; a notebook saved and re-opened. Each page is
saved as a screenshot in tests/console/artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlsql.server.process import ServerProcess
from tests.console.conftest import shot, sign_in
from tests.server.helpers import LONG_QUERY

pytestmark = pytest.mark.slow

RUN_TIMEOUT_MS = 240_000


def type_into_cell(page: Any, text: str, cell: int = 0) -> None:
    """Replace a cell's text by typing `text` (Escape closes completion before each newline)."""
    editor = page.locator(".cell .cm-content").nth(cell)
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for i, line in enumerate(text.split("\n")):
        if i:
            page.keyboard.press("Escape")
            page.keyboard.press("Enter")
            page.keyboard.press("Home")
            page.keyboard.press("Shift+End")  # drop any indentation the editor carried over
            page.keyboard.press("Delete")
        page.keyboard.type(line)
    page.keyboard.press("Escape")


def run_cell(page: Any) -> None:
    """Run the focused cell with Ctrl+Enter."""
    page.keyboard.press("Control+Enter")


def test_sign_in_refuses_a_wrong_token(page: Any, console_server: ServerProcess) -> None:
    page.goto(f"{console_server.url}/console")
    page.fill("#token", "not-a-token")
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".signin-error:has-text('not valid')")
    shot(page, "0-sign-in")


def test_type_a_script_and_see_its_rows(
    page: Any, console_server: ServerProcess, tmp_path: Path
) -> None:
    sign_in(page, console_server, "ann")
    type_into_cell(page, "select id, id * 2 as twice, 'row' as label\nfrom range(120) as t;")
    run_cell(page)
    page.wait_for_selector("table.grid tbody tr", timeout=RUN_TIMEOUT_MS)
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 50  # the first page
    assert rows.nth(3).locator("td").all_inner_texts() == ["4", "3", "6", "row"]
    assert page.locator("table.grid .col-type").all_inner_texts() == ["long", "long", "string"]
    assert page.inner_text(".page-info") == "page 1 of 3"
    assert "120 rows" in page.inner_text(".result-toolbar .result-status")
    shot(page, "1-editor-results")
    page.click(".pager button:has-text('Next')")
    assert rows.first.locator("td").first.inner_text() == "51"
    with page.expect_download() as download:
        page.click("button.csv")
    csv_file = tmp_path / "result.csv"
    download.value.save_as(csv_file)
    lines = csv_file.read_text().splitlines()
    assert lines[0] == "id,twice,label" and len(lines) == 121 and lines[-1] == "119,238,row"


def test_run_a_selection_then_the_cell_in_two_result_tabs(
    page: Any, console_server: ServerProcess
) -> None:
    sign_in(page, console_server, "ann")
    type_into_cell(page, "select 'first' as which as one;\nselect 'second' as which as two;")
    page.keyboard.press("Control+Home")
    page.keyboard.press("Shift+End")  # select the first line only
    run_cell(page)
    page.wait_for_selector(
        ".result-tab:has-text('(selection)') .tab-state.ok", timeout=RUN_TIMEOUT_MS
    )
    assert page.locator("table.grid tbody td:not(.rownum)").all_inner_texts() == ["first"]
    page.click(".run-cell")  # the Run button runs the selection too
    second = page.locator(".result-tab").nth(1)
    second.locator(".tab-state.ok").wait_for(timeout=RUN_TIMEOUT_MS)
    assert "(selection)" in second.inner_text()
    page.locator(".cell .cm-content").click()
    page.keyboard.press("Control+End")
    run_cell(page)
    third = page.locator(".result-tab").nth(2)
    third.locator(".tab-state.ok").wait_for(timeout=RUN_TIMEOUT_MS)
    assert page.locator("table.grid tbody td:not(.rownum)").all_inner_texts() == ["second"]
    assert page.locator(".result-tab").count() == 3
    page.locator(".result-tab").first.click()  # earlier results stay in their tabs
    assert page.locator("table.grid tbody td:not(.rownum)").all_inner_texts() == ["first"]
    shot(page, "1b-editor-result-tabs")


def test_a_bad_script_shows_its_marker_on_the_right_line(
    page: Any, console_server: ServerProcess
) -> None:
    sign_in(page, console_server, "ann")
    type_into_cell(page, "select 1 as a as one;\nselect 2 as b as two;\nselect * from two as;")
    marker = page.wait_for_selector(".cm-lintRange-error")
    lines = page.locator(".cell .cm-line")
    flagged = [
        i for i in range(lines.count()) if lines.nth(i).locator(".cm-lintRange-error").count()
    ]
    assert flagged == [2]  # the third line, where `as` lacks its table name
    assert marker.inner_text() == ";"
    assert page.locator(".cm-gutter-lint .cm-lint-marker-error").count() == 1
    page.hover(".cm-lintRange-error")
    tooltip = page.wait_for_selector(".cm-tooltip-lint")
    assert "after 'as'" in tooltip.inner_text()
    shot(page, "2-editor-error-marker")
    page.keyboard.press("Control+End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.type(" three")  # fixed: the marker goes away
    page.wait_for_selector(".cm-lintRange-error", state="detached")


def test_completion_offers_statements_and_algorithms(
    page: Any, console_server: ServerProcess
) -> None:
    sign_in(page, console_server, "ann")
    type_into_cell(page, "train t as RandomF")
    page.keyboard.press("Control+Space")
    option = page.wait_for_selector(".cm-tooltip-autocomplete li:has-text('RandomForest')")
    assert "algorithm" in option.inner_text()
    page.keyboard.press("Escape")


def test_a_training_shows_progress_then_its_charts(
    page: Any, console_server: ServerProcess, tmp_path: Path
) -> None:
    model = tmp_path / "dnn"
    sign_in(page, console_server, "ann")
    page.check("#run-async")
    type_into_cell(
        page,
        "load sklearn.`iris` as iris;\n"
        f'train iris as DNNClassifier.`{model}` where labelCol="label" and seed="1"\n'
        'and fitParam.0.hiddenUnits="8" and fitParam.0.epochs="25"\n'
        'and fitParam.1.hiddenUnits="16,8" and fitParam.1.epochs="25";',
    )
    run_cell(page)
    page.click("nav a[data-page=jobs]")
    running = page.wait_for_selector(
        "tr[data-status=running] .group-progress", timeout=RUN_TIMEOUT_MS
    )
    assert "group" in running.inner_text()
    shot(page, "3-jobs-training-progress")
    newest = "table.jobs tbody tr:first-child"
    page.wait_for_selector(f"{newest}[data-status=succeeded]", timeout=RUN_TIMEOUT_MS)
    page.click("nav a[data-page=models]")
    page.click(f"li.store[data-path='{model}']")
    page.wait_for_selector(".metrics-chart canvas")
    page.wait_for_selector(".loss-chart canvas")
    versions = page.locator("table.versions tbody tr")
    assert versions.count() == 2
    assert page.locator(".loss-chart .u-legend").inner_text().count("group") == 2
    page.click("button.evaluate")  # predicts again on iris, still in ann's session
    page.wait_for_selector(".confusion-matrix", timeout=RUN_TIMEOUT_MS)
    cells = page.locator(".confusion-matrix td").all_inner_texts()
    assert len(cells) == 9 and sum(int(c) for c in cells) == 150
    shot(page, "4-models-charts")


def test_kill_a_job(page: Any, console_server: ServerProcess) -> None:
    sign_in(page, console_server, "bob")
    page.check("#run-async")
    type_into_cell(page, LONG_QUERY)
    run_cell(page)
    page.click("nav a[data-page=jobs]")
    page.wait_for_selector("tr[data-status=running] button.kill", timeout=RUN_TIMEOUT_MS)
    shot(page, "5-jobs-running")
    page.click("tr[data-status=running] button.kill")
    page.wait_for_selector("tr[data-status=cancelled]", timeout=60_000)
    assert page.locator("tr[data-status=running]").count() == 0
    shot(page, "6-jobs-killed")


def test_a_notebook_is_saved_and_reopened(page: Any, console_server: ServerProcess) -> None:
    sign_in(page, console_server, "bob")
    page.fill(".nb-name", "bob's notebook")
    type_into_cell(page, "select 1 as one as t;")
    page.click("button.add-cell")
    type_into_cell(page, "select one + 1 as two from t as u;", cell=1)
    page.click("#save-notebook")
    page.wait_for_selector(".save-state:has-text('saved')")
    page.reload()
    page.wait_for_selector("header nav")
    page.click("nav a[data-page=notebooks]")
    page.click('tr[data-notebook] a:has-text("bob\'s notebook")')
    page.wait_for_selector(".cell >> nth=1")
    assert page.locator(".cell .cm-content").all_inner_texts() == [
        "select 1 as one as t;",
        "select one + 1 as two from t as u;",
    ]
    page.click("nav a[data-page=notebooks]")
    page.wait_for_selector("tr[data-notebook]")
    shot(page, "7-notebooks")
