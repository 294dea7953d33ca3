"""`applications`: numbers and callback URLs of Voice applications."""

from sinchvoice.commands import group

app = group(help="Numbers and callback URLs of your Voice applications.")
numbers = group(help="List, inspect, assign and unassign numbers.")
callbacks = group(help="Show and set the application's callback URLs.")
app.add_typer(numbers, name="numbers")
app.add_typer(callbacks, name="callbacks")
