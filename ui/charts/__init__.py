"""Charts drawn with matplotlib on a ``Figure`` (never pyplot), on screen and in the report.

The series come from :mod:`planner.charts`; each chart class here creates its artists once and
updates them in place (``set_height``, ``set_ydata`` …), so a live chart is redrawn with
``draw_idle`` and never rebuilt. :mod:`ui.charts.widget` embeds a chart in Qt (``backend_qtagg``
canvas, navigation toolbar, PNG/SVG export from the context menu); the headless report draws the
same classes on an Agg canvas.

This package file imports nothing heavy: matplotlib is imported by the chart modules, which the
Portfolio tab imports only when it is first shown.
"""
