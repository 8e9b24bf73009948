"""The web app over qa: Gradio tabs (ui/tabs/), the HTML they show (render, corpus, markup), uploads, and the
server (app)."""
