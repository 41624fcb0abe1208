#!/usr/bin/env python3
"""Writes expressions.json: Spanish and English date and time expressions with their expected resolution.

The expectations are computed here, independently of the Swift parser, from what each expression means
(a rule per expression: "tomorrow", "the coming Friday", "15 December, next occurrence", a clock time)
with Python's own calendar and time-zone database (zoneinfo). Reference instants cover a plain Wednesday,
the Friday before the October daylight-saving change in Madrid, the Friday before the March change, a
zone without daylight saving (Bogotá) and one that changes a week later (New York).

    python3 Tests/Fixtures/Dates/make_fixtures.py > Tests/Fixtures/Dates/expressions.json
"""
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

REFERENCES = [
    ("Europe/Madrid", datetime(2026, 12, 2, 10, 0)),      # Wednesday
    ("Europe/Madrid", datetime(2026, 10, 23, 18, 30)),    # Friday; clocks go back on Sunday 25 at 03:00
    ("Europe/Madrid", datetime(2026, 3, 27, 9, 15)),      # Friday; clocks jump forward on Sunday 29 at 02:00
    ("America/Bogota", datetime(2026, 12, 2, 10, 0)),     # Wednesday, no daylight saving
    ("America/New_York", datetime(2026, 10, 28, 16, 0)),  # Wednesday; clocks go back on Sunday 1 November
]

PARTS = {"morning": (6, 12), "afternoon": (12, 20), "evening": (20, 24)}


def rel(days):
    return lambda today: today + timedelta(days=days)


def weekday(target, mode="from_today"):
    """target: 0 = Monday. from_today: the first on or after today; after_today: strictly after; next_week:
    that weekday in the week after this one (weeks start on Monday)."""
    def pick(today):
        ahead = (target - today.weekday()) % 7
        if mode == "after_today" and ahead == 0:
            ahead = 7
        if mode == "next_week":
            monday = today + timedelta(days=7 - today.weekday())
            return monday + timedelta(days=target)
        return today + timedelta(days=ahead)
    return pick


def calendar_date(day, month, year=None):
    def pick(today):
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    return pick


def day_of_month(day):
    def pick(today):
        if today.day <= day:
            return today.replace(day=day)
        month = today.month % 12 + 1
        year = today.year + (1 if today.month == 12 else 0)
        return date(year, month, day)
    return pick


def next_week_monday(today):
    return today + timedelta(days=7 - today.weekday())


def in_months(months):
    def pick(today):
        month = today.month - 1 + months
        return date(today.year + month // 12, month % 12 + 1, min(today.day, 28))
    return pick


# (text, day rule or None for today, time "HH:MM" or None, part or None, always ambiguous)
# "weekday_today_ambiguous" is added by the generator when a bare weekday is today.
EXPRESSIONS = [
    # Relative days
    ("hoy", rel(0), None, None, False),
    ("Hoy", rel(0), None, None, False),
    ("mañana", rel(1), None, None, False),
    ("manana", rel(1), None, None, False),
    ("mañna", rel(1), None, None, False),
    ("pasado mañana", rel(2), None, None, False),
    ("pasado manana", rel(2), None, None, False),
    ("ayer", rel(-1), None, None, False),
    ("today", rel(0), None, None, False),
    ("tomorrow", rel(1), None, None, False),
    ("tommorow", rel(1), None, None, False),
    ("the day after tomorrow", rel(2), None, None, False),
    ("yesterday", rel(-1), None, None, False),
    ("¿tienen algo para hoy?", rel(0), None, None, False),
    ("¿Hay cita mañana?", rel(1), None, None, False),
    # Offsets
    ("dentro de dos semanas", rel(14), None, None, False),
    ("dentro de 3 días", rel(3), None, None, False),
    ("dentro de una semana", rel(7), None, None, False),
    ("en dos semanas", rel(14), None, None, False),
    ("en 5 dias", rel(5), None, None, False),
    ("en quince días", rel(15), None, None, False),
    ("in two weeks", rel(14), None, None, False),
    ("in 3 days", rel(3), None, None, False),
    ("in a week", rel(7), None, None, False),
    ("dentro de un mes", in_months(1), None, None, False),
    # Weekdays
    ("el viernes", weekday(4), None, None, False),
    ("viernes", weekday(4), None, None, False),
    ("el lunes", weekday(0), None, None, False),
    ("el martes", weekday(1), None, None, False),
    ("el miércoles", weekday(2), None, None, False),
    ("el miercoles", weekday(2), None, None, False),
    ("el jueves", weekday(3), None, None, False),
    ("el sábado", weekday(5), None, None, False),
    ("el sabado", weekday(5), None, None, False),
    ("el domingo", weekday(6), None, None, False),
    ("este jueves", weekday(3), None, None, False),
    ("este viernes", weekday(4), None, None, False),
    ("el próximo lunes", weekday(0, "after_today"), None, None, False),
    ("el proximo viernes", weekday(4, "after_today"), None, None, False),
    ("el viernes que viene", weekday(4, "after_today"), None, None, False),
    ("el lunes de la semana que viene", weekday(0, "next_week"), None, None, False),
    ("el jueves de la próxima semana", weekday(3, "next_week"), None, None, False),
    ("viernnes", weekday(4), None, None, False),
    ("next Monday", weekday(0, "after_today"), None, None, False),
    ("next friday", weekday(4, "after_today"), None, None, False),
    ("this Friday", weekday(4), None, None, False),
    ("on Tuesday", weekday(1), None, None, False),
    ("Friday next week", weekday(4, "next_week"), None, None, False),
    ("wednesday", weekday(2), None, None, False),
    # Calendar dates
    ("15 de diciembre", calendar_date(15, 12), None, None, False),
    ("el 15 de diciembre", calendar_date(15, 12), None, None, False),
    ("15 diciembre", calendar_date(15, 12), None, None, False),
    ("15 dic", calendar_date(15, 12), None, None, False),
    ("diciembre 15", calendar_date(15, 12), None, None, False),
    ("15/12", calendar_date(15, 12), None, None, False),
    ("15-12-2026", calendar_date(15, 12, 2026), None, None, False),
    ("15/12/2026", calendar_date(15, 12, 2026), None, None, False),
    ("2026-12-15", calendar_date(15, 12, 2026), None, None, False),
    ("Dec 15th", calendar_date(15, 12), None, None, False),
    ("December 15", calendar_date(15, 12), None, None, False),
    ("December 15, 2026", calendar_date(15, 12, 2026), None, None, False),
    ("the 15th of December", calendar_date(15, 12), None, None, False),
    ("1 de enero", calendar_date(1, 1), None, None, False),
    ("3 de marzo", calendar_date(3, 3), None, None, False),
    ("28 de febrero de 2027", calendar_date(28, 2, 2027), None, None, False),
    ("el día 20", day_of_month(20), None, None, False),
    ("el 28", day_of_month(28), None, None, False),
    ("20 de noviembre", calendar_date(20, 11), None, None, False),
    ("24 de octubre", calendar_date(24, 10), None, None, False),
    ("1 de noviembre", calendar_date(1, 11), None, None, False),
    ("30 de marzo", calendar_date(30, 3), None, None, False),
    # Clock times on their own (today)
    ("a las 10", rel(0), "10:00", None, False),
    ("a las 11:30", rel(0), "11:30", None, False),
    ("a las 3", rel(0), "15:00", None, True),
    ("a las 5 y media", rel(0), "17:30", None, True),
    ("a las 3 pm", rel(0), "15:00", None, False),
    ("a las 3 de la tarde", rel(0), "15:00", None, False),
    ("a las 7 de la tarde", rel(0), "19:00", None, False),
    ("a las 9 de la noche", rel(0), "21:00", None, False),
    ("a las 9 de la mañana", rel(0), "09:00", None, False),
    ("a las 12", rel(0), "12:00", None, False),
    ("a la 1 de la tarde", rel(0), "13:00", None, False),
    ("a las 4 menos cuarto de la tarde", rel(0), "15:45", None, False),
    ("a las 10 y cuarto", rel(0), "10:15", None, False),
    ("15h", rel(0), "15:00", None, False),
    ("16:45", rel(0), "16:45", None, False),
    ("17.30 h", rel(0), "17:30", None, False),
    ("las 18 horas", rel(0), "18:00", None, False),
    ("al mediodía", rel(0), "12:00", None, False),
    ("al mediodia", rel(0), "12:00", None, False),
    ("at noon", rel(0), "12:00", None, False),
    ("at 4pm", rel(0), "16:00", None, False),
    ("at 9 am", rel(0), "09:00", None, False),
    ("at 10:30", rel(0), "10:30", None, False),
    ("at 2", rel(0), "14:00", None, True),
    ("3:30", rel(0), "15:30", None, True),
    # Parts of the day
    ("en la tarde", rel(0), None, "afternoon", False),
    ("por la mañana", rel(0), None, "morning", False),
    ("por la noche", rel(0), None, "evening", False),
    ("esta tarde", rel(0), None, "afternoon", False),
    ("esta mañana", rel(0), None, "morning", False),
    ("this afternoon", rel(0), None, "afternoon", False),
    ("tonight", rel(0), None, "evening", False),
    ("in the morning", rel(0), None, "morning", False),
    # Combinations
    ("mañana a las 10", rel(1), "10:00", None, False),
    ("mañana por la mañana", rel(1), None, "morning", False),
    ("mañana en la tarde", rel(1), None, "afternoon", False),
    ("manana a las 5 de la tarde", rel(1), "17:00", None, False),
    ("pasado mañana a las 11", rel(2), "11:00", None, False),
    ("el viernes en la tarde", weekday(4), None, "afternoon", False),
    ("¿Tienen cita el viernes en la tarde para botox?", weekday(4), None, "afternoon", False),
    ("el viernes por la tarde a las 4", weekday(4), "16:00", "afternoon", False),
    ("el lunes a las 9", weekday(0), "09:00", None, False),
    ("el próximo martes a las 17:00", weekday(1, "after_today"), "17:00", None, False),
    ("este jueves a las 3 pm", weekday(3), "15:00", None, False),
    ("el sábado por la mañana", weekday(5), None, "morning", False),
    ("el domingo a las 10", weekday(6), "10:00", None, False),
    ("el viernes tarde", weekday(4), None, "afternoon", False),
    ("15 de diciembre a las 10", calendar_date(15, 12), "10:00", None, False),
    ("el 15/12 a las 16:30", calendar_date(15, 12), "16:30", None, False),
    ("diciembre 15 a las 11 de la mañana", calendar_date(15, 12), "11:00", None, False),
    ("dentro de dos semanas a las 12", rel(14), "12:00", None, False),
    ("tomorrow at 10am", rel(1), "10:00", None, False),
    ("tomorrow morning", rel(1), None, "morning", False),
    ("tomorrow afternoon", rel(1), None, "afternoon", False),
    ("next Monday at 3pm", weekday(0, "after_today"), "15:00", None, False),
    ("this Friday afternoon", weekday(4), None, "afternoon", False),
    ("Dec 15th at 11am", calendar_date(15, 12), "11:00", None, False),
    ("Friday at 5 pm", weekday(4), "17:00", None, False),
    ("on Saturday morning", weekday(5), None, "morning", False),
    ("the day after tomorrow at noon", rel(2), "12:00", None, False),
    ("in 3 days at 9am", rel(3), "09:00", None, False),
    ("¿me dan hora para el jueves a las 10?", weekday(3), "10:00", None, False),
    ("quisiera reservar el miércoles 9 de diciembre a las 18h", calendar_date(9, 12), "18:00", None, False),
    ("Can I book for tomorrow at 4:30 pm?", rel(1), "16:30", None, False),
    # Ambiguous on purpose
    ("la semana que viene", next_week_monday, None, None, True),
    ("next week", next_week_monday, None, None, True),
    ("hoy o mañana", rel(0), None, None, True),
    ("el viernes 15 de diciembre de 2026", calendar_date(15, 12, 2026), None, None, True),
    ("05/06", calendar_date(5, 6), None, None, False),
    ("on 05/06 at 10am", calendar_date(5, 6), "10:00", None, True),
    ("mañana a las 3 por la mañana", rel(1), "03:00", "morning", True),
]

# Daylight-saving days: local times that do not exist or happen twice. Their ambiguity is computed from the
# zone (the flag given here is ignored), so a reference after the change (the date then falls in the next
# year, when the change is on another day) expects no ambiguity.
DST_EXPRESSIONS = {
    "Europe/Madrid": [
        ("el 25 de octubre a las 2:30 de la madrugada", calendar_date(25, 10), "02:30", None, True),
        ("el 25 de octubre a las 10", calendar_date(25, 10), "10:00", None, False),
        ("el 29 de marzo a las 2:30 de la madrugada", calendar_date(29, 3), "02:30", None, True),
        ("el 29 de marzo a las 11", calendar_date(29, 3), "11:00", None, False),
    ],
    "America/New_York": [
        ("November 1 at 1:30 am", calendar_date(1, 11), "01:30", None, True),
        ("November 1 at 10am", calendar_date(1, 11), "10:00", None, False),
    ],
}


def instant(zone, day, hh_mm):
    hour, minute = map(int, hh_mm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def exists(zone, local):
    """Whether a naive local time exists in the zone (round trip through UTC)."""
    aware = local.replace(tzinfo=zone)
    back = aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    return back == local


def main():
    fixtures = []
    for zone_name, local_now in REFERENCES:
        zone = ZoneInfo(zone_name)
        now = local_now.replace(tzinfo=zone)
        today = local_now.date()
        dst = DST_EXPRESSIONS.get(zone_name, [])
        for text, rule, clock, part, ambiguous in EXPRESSIONS + dst:
            day = rule(today)
            if (text, rule, clock, part, ambiguous) in dst:
                local = datetime.combine(day, time(*map(int, clock.split(":"))))
                repeated = local.replace(tzinfo=zone, fold=0).utcoffset() != local.replace(tzinfo=zone, fold=1).utcoffset()
                ambiguous = repeated or not exists(zone, local)
            if clock:
                local = datetime.combine(day, time(*map(int, clock.split(":"))))
                if not exists(zone, local):
                    start = None  # the parser moves it past the gap; only the flag is checked
                else:
                    start = instant(zone, day, clock)
                end = start
                past = start is not None and start < now
            elif part:
                first, last = PARTS[part]
                start = instant(zone, day, f"{first:02d}:00")
                end = instant(zone, day + timedelta(days=1), "00:00") if last == 24 else instant(zone, day, f"{last:02d}:00")
                past = end <= now
            else:
                start = instant(zone, day, "00:00")
                end = instant(zone, day + timedelta(days=1), "00:00")
                past = end <= now
            expected_ambiguous = ambiguous
            bare_weekday = getattr(rule, "__qualname__", "").startswith("weekday") and not any(
                word in text.lower() for word in ("este ", "this ", "próximo", "proximo", "next", "que viene", "semana"))
            if bare_weekday and day == today and not clock:
                expected_ambiguous = True
            if bare_weekday and day == today and clock:
                expected_ambiguous = True
            fixtures.append({
                "text": text,
                "timezone": zone_name,
                "now": now.isoformat(),
                "date": day.isoformat(),
                "time": clock,
                "part_of_day": part,
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
                "ambiguous": expected_ambiguous,
                "past": past,
            })
    print(json.dumps({"reference_note": __doc__.strip().splitlines()[0], "expressions": fixtures}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
