"""Entry point: ``python run.py`` serves in development (``PORT`` chooses the port, 5000 by
default); gunicorn serves ``run:app``."""
import os

from enforcement import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
