"""Boards' work programmes (items, progress updates) and their meetings (agendas, attendance, minutes)."""
