"""Workbooks, CSV files and open data built from the read models; the only home of openpyxl.

* ``finance_report``: the figures of the finance workbook, read from the read models and pinned to
  one chain head;
* ``tables``: the tables finance gets (headings in one place), shared by the workbook and the CSV;
* ``finance_workbook``, ``csv_tables``: the same tables as an xlsx workbook and as CSV files;
* ``proof_of_use``: the proof-of-use workbook (Verwendungsnachweis) of one grant;
* ``giving360``: the awarded grants as a 360Giving data package (JSON) and spreadsheet;
* ``template``: the import template, reading a filled one back, and the annotated copy with errors;
* ``cells``: number formats and the one rule for text that could run as a formula.

Money is written as ``Decimal`` with an explicit number format (never a float), dates as dates with
``DD.MM.YYYY``; any text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written as text.
"""
