"""`applications`: numbers and callback URLs of Voice applications."""

import typer

app = typer.Typer(help="Numbers and callback URLs of your Voice applications.", no_args_is_help=True)
numbers = typer.Typer(help="List, inspect, assign and unassign numbers.", no_args_is_help=True)
callbacks = typer.Typer(help="Show and set the application's callback URLs.", no_args_is_help=True)
app.add_typer(numbers, name="numbers")
app.add_typer(callbacks, name="callbacks")
